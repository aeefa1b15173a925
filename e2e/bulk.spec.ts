import { expect, test } from "@playwright/test";
import { readDb } from "./dashboard-fixtures";
import { listSettled, rows, runPrefix, seedIdle } from "./first-day-helpers";

/** Bulk actions on the dashboard: a selection, "all matching this filter", confirmation, per-batch results. */

const MANY = 230; // more than one chunk of 200 on the server

test("retry failed over every batch a filter matches, from one page's selection", async ({ page }) => {
  const prefix = runPrefix("BULKRETRY");
  seedIdle([prefix], MANY, 181, ["failed"]);
  const started = Date.now();

  await page.goto(`/?customer_prefix=${prefix}&has_failures=true`);
  await listSettled(page, new RegExp(`customer_prefix=${prefix}`));
  await page.getByLabel("Select the 20 batches on this page").check();
  const bar = page.getByTestId("bulk-bar");
  await expect(bar.getByTestId("bulk-count")).toHaveText("20 selected");
  await bar.getByRole("button", { name: `Select all ${MANY} matching this filter` }).click();
  await expect(bar.getByTestId("bulk-count")).toHaveText(`All ${MANY} matching batches selected`);
  await expect(rows(page).first().getByRole("checkbox")).toBeChecked();

  await bar.getByRole("button", { name: "Retry failed" }).click();
  const dialog = page.getByRole("dialog", { name: `Retry the failed files of ${MANY} batches?` });
  await expect(dialog).toBeVisible();
  const answer = page.waitForResponse((r) => r.url().endsWith("/api/batches/bulk"));
  await dialog.getByRole("button", { name: `Retry the failed files of ${MANY} batches` }).click();
  const report = await (await answer).json();

  expect(report).toMatchObject({ action: "retry", total: MANY, done: MANY, skipped: 0 });
  expect(report.chunks).toBeGreaterThan(1);
  await expect(page.getByTestId("bulk-result")).toContainText(`Retried the failed files of ${MANY} of ${MANY} batches.`);
  await expect(bar).toHaveCount(0);
  // Every batch of the filter had its failed jobs reset (they may have failed again since: seeded inputs are not on disk).
  const untouched = readDb((db) =>
    (db.prepare(`SELECT count(*) AS n FROM batches b WHERE customer_prefix = ? AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.batch_id = b.id AND j.updated_at >= ?)`).get(prefix, started) as { n: number }).n,
  );
  expect(untouched).toBe(0);
});

test("delete asks for an explicit confirmation; a selection downloads as one ZIP with a folder each", async ({ page, request }) => {
  const prefix = runPrefix("BULKDEL");
  seedIdle([prefix], 3, 182, ["completed"]);
  await page.goto(`/?customer_prefix=${prefix}`);
  await listSettled(page, new RegExp(`customer_prefix=${prefix}`));
  const [first, second] = await rows(page).evaluateAll((els) => els.slice(0, 2).map((e) => e.getAttribute("data-batch-id")!));
  await page.locator(`[data-batch-id="${first}"]`).getByRole("checkbox").check();
  await page.locator(`[data-batch-id="${second}"]`).getByRole("checkbox").check();
  const bar = page.getByTestId("bulk-bar");
  await expect(bar.getByTestId("bulk-count")).toHaveText("2 selected");

  const href = await bar.getByRole("link", { name: "Download ZIP" }).getAttribute("href");
  const zip = await request.get(href!);
  expect(zip.headers()["content-type"], `${zip.status()} ${zip.headers()["content-type"]?.includes("json") ? await zip.text() : ""}`).toBe("application/zip");
  expect(zip.headers()["x-batch-count"]).toBe("2");

  await bar.getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete 2 batches?" });
  const confirm = dialog.getByRole("button", { name: "Delete 2 batches" });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel("Yes, delete all 2 batches. This cannot be undone.").check();
  await confirm.click();
  await expect(page.getByTestId("bulk-result")).toContainText("Deleted 2 of 2 batches.");
  await expect(rows(page)).toHaveCount(1);
  const left = readDb((db) => db.prepare("SELECT id FROM batches WHERE id IN (?, ?)").all(first, second));
  expect(left).toEqual([]);
});
