import { expect, test } from "@playwright/test";
import { uploadBatch, waitForBatch } from "./dashboard-fixtures";

/** History charts on /system (runs by outcome, run time, throughput) and the dashboard's sparkline. */

test.beforeAll(async ({ request }) => {
  const batch = await uploadBatch(request, { files: 3, prefix: `CHART${Date.now().toString(36).toUpperCase()}` });
  await waitForBatch(request, batch.id, (b) => b.status === "completed");
});

test("the system page charts the last 24 hours, 7 and 30 days, per pipeline, with summaries, tooltips and tables", async ({ page, request }) => {
  const api = await (await request.get("/api/stats/chart?range=24h")).json();
  const completed = api.data.reduce((sum: number, b: { completed: number }) => sum + b.completed, 0);
  expect(completed).toBeGreaterThanOrEqual(3);

  await page.goto("/system");
  const history = page.getByRole("region", { name: "History" });
  const charts = history.getByTestId("history-chart");
  await expect(charts).toHaveCount(3);
  await expect(history.getByRole("group", { name: /^Runs by outcome: / })).toHaveAttribute("aria-label", new RegExp(`^Runs by outcome: ${completed.toLocaleString("en-US")} completed, `));
  await expect(history.getByRole("group", { name: /^Run time: Completed runs took up to / })).toBeVisible();
  await expect(history.getByRole("group", { name: /^Throughput and crash rate: Up to / })).toBeVisible();

  // The current hour's bar answers a hover with its numbers.
  const bars = charts.first().locator(".recharts-bar-rectangle path");
  await expect(bars.first()).toBeVisible();
  await bars.last().hover();
  await expect(charts.first().getByText(/^Completed:/)).toBeVisible();

  // The same numbers as a table, one row per hour.
  await charts.first().getByText("Show as table").click();
  await expect(charts.first().getByRole("table").locator("tbody tr")).toHaveCount(24);

  await history.getByRole("button", { name: "7 days" }).click();
  await expect(history.locator("[data-range='7d']")).toBeVisible();
  await expect(charts.first().getByRole("table").locator("tbody tr")).toHaveCount(7);
  await history.getByRole("button", { name: "30 days" }).click();
  await expect(charts.first().getByRole("table").locator("tbody tr")).toHaveCount(30);

  // One pipeline: the request names it and the figures follow its numbers.
  const pipelines = (await (await request.get("/api/pipelines")).json()).data as { id: string; name: string }[];
  const answer = page.waitForResponse((r) => r.url().includes(`pipeline_id=${pipelines[0]!.id}`));
  await history.getByLabel("Pipeline").selectOption(pipelines[0]!.id);
  expect((await answer).status()).toBe(200);
});

test("on a phone the charts fit the width", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto("/system");
  await page.getByTestId("history-chart").first().locator(".recharts-bar-rectangle").first().waitFor();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
});

test("the dashboard's throughput tile carries a 24-hour sparkline", async ({ page }) => {
  await page.goto("/");
  const spark = page.getByTestId("throughput-sparkline");
  await expect(spark).toBeVisible();
  await expect(spark).toContainText(/runs completed in the last 24 hours/);
});
