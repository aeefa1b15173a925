import { expect, test, type Page } from "@playwright/test";
import { readDb, seedIdleBatches, uploadBatch, waitForBatch, truncatedJpeg } from "./dashboard-fixtures";
import { listSettled } from "./first-day-helpers";

test.describe.configure({ mode: "serial" });

let dateTo = "";
test.beforeAll(() => {
  dateTo = seedIdleBatches(90, 33).dateTo;
});

const rows = (page: Page) => page.getByTestId("batch-row");
const row = (page: Page, name: string) => rows(page).filter({ hasText: name });

test("filters live in the URL, change the list, and the back button restores them", async ({ page }) => {
  await page.goto(`/?date_to=${dateTo}`);
  await expect(rows(page).first()).toBeVisible();

  await page.getByRole("group", { name: "Status" }).getByRole("button", { name: "failed" }).click();
  await expect(page).toHaveURL(/status=failed/);
  // The previous filters' rows stay on screen while the new ones load: read only the settled list.
  await listSettled(page, /status=failed/);
  await expect(rows(page).first()).toBeVisible();
  for (const status of await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-status")))) expect(status).toBe("failed");

  await page.getByLabel("Customer").selectOption("E2E_BETA");
  await expect(page).toHaveURL(/customer_prefix=E2E_BETA/);
  await listSettled(page, /customer_prefix=E2E_BETA/);
  await expect(rows(page).first()).toBeVisible();
  for (const text of await rows(page).locator("button[aria-expanded] .font-mono").allTextContents()) expect(text).toMatch(/^E2E_BETA_/);

  await page.getByLabel("Search").fill("terrace");
  await expect(page).toHaveURL(/q=terrace/);
  const expected = readDb(
    (db) =>
      (db.prepare(
        `SELECT count(*) AS n FROM batches b WHERE status = 'failed' AND customer_prefix = 'E2E_BETA' AND batch_date <= ?
           AND EXISTS (SELECT 1 FROM files f WHERE f.batch_id = b.id AND f.original_name LIKE '%\\_terrace\\_%' ESCAPE '\\')`,
      ).get(dateTo) as { n: number }).n,
  );
  if (expected === 0) await expect(page.getByText("No batches match these filters.")).toBeVisible();
  else await expect(rows(page)).toHaveCount(expected);

  await page.getByLabel("Sort by").selectOption("total_size");
  await expect(page).toHaveURL(/sort_by=total_size/);
  await page.goBack();
  await expect(page).not.toHaveURL(/sort_by=total_size/);
  await expect(page).toHaveURL(/customer_prefix=E2E_BETA/);
  // The search replaced its history entry instead of adding one: two steps back is before the chip.
  await page.goBack();
  await page.goBack();
  await expect(page).not.toHaveURL(/status=failed/);

  // A shared link opens with the same filters applied.
  await page.goto(`/?status=paused&date_to=${dateTo}&sort_by=base_directory_name&sort_order=asc`);
  await expect(page.getByRole("button", { name: "paused", exact: true })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByLabel("Sort by")).toHaveValue("base_directory_name");
  // Sorted by name, the list is not grouped by day (groups would split), so the page order is the sort.
  await listSettled(page, /sort_by=base_directory_name/);
  const names = await rows(page).locator("button[aria-expanded] .font-mono").allTextContents();
  expect(names).toEqual([...names].sort());
});

test("pagination moves through the list and groups switch between day and customer", async ({ page }) => {
  await page.goto(`/?date_to=${dateTo}`);
  await expect(rows(page)).toHaveCount(20);
  const first = await rows(page).first().getAttribute("data-batch-id");
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(rows(page).first()).not.toHaveAttribute("data-batch-id", first!);
  await page.getByRole("button", { name: "By customer" }).click();
  await expect(page).toHaveURL(/group=customer/);
  // Grouped by customer, the section headings are customer prefixes (other suites' batches may
  // come first in name order, so the seeded E2E_ prefixes need not be on this page).
  await listSettled(page, /sort_by=base_directory_name/);
  const headings = await page.getByRole("heading", { level: 2 }).allTextContents();
  expect(headings.length).toBeGreaterThan(0);
  for (const heading of headings) expect(heading).toMatch(/^[A-Z0-9]+(_[A-Z0-9]+){0,2} · \d+$/);
});

test("a batch expands to its files", async ({ page }) => {
  const batch = readDb((db) => db.prepare("SELECT id, base_directory_name, total_jobs FROM batches WHERE status = 'failed' AND batch_date <= ? LIMIT 1").get(dateTo) as { id: string; base_directory_name: string; total_jobs: number });
  await page.goto(`/?q=${encodeURIComponent(batch.base_directory_name)}`);
  const expander = row(page, batch.base_directory_name).getByRole("button", { expanded: false }).first();
  await expander.click();
  await expect(row(page, batch.base_directory_name).getByRole("button", { expanded: true })).toBeVisible();
  await expect(row(page, batch.base_directory_name).getByTestId("job-row")).toHaveCount(batch.total_jobs);
  await expect(row(page, batch.base_directory_name).getByTestId("job-row").first().getByRole("button", { name: /^Retry / })).toBeVisible();
});

test("a refused action rolls back and says why", async ({ page, request }) => {
  const paused = readDb((db) => db.prepare("SELECT id, base_directory_name FROM batches WHERE status = 'paused' AND batch_date <= ? LIMIT 1").get(dateTo) as { id: string; base_directory_name: string });
  // A page that has not yet heard of the delete: without the live feed it learns only at its next
  // poll, so the click below lands on the stale row as it would on a slow connection.
  await page.route("**/api/events", (route) => route.abort());
  await page.goto(`/?q=${encodeURIComponent(paused.base_directory_name)}`);
  await expect(row(page, paused.base_directory_name)).toHaveAttribute("data-status", "paused");
  // Someone else deletes it meanwhile; the resume the user clicks must fail visibly.
  expect((await request.delete(`/api/batches/${paused.id}`)).status()).toBe(204);
  await row(page, paused.base_directory_name).getByRole("button", { name: `Resume ${paused.base_directory_name}` }).click();
  await expect(page.getByRole("alert").filter({ hasText: /Resume .*No batch with id/ })).toBeVisible();
  await page.getByRole("button", { name: "Dismiss error" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /No batch with id/ })).toHaveCount(0);
});

test("pause, resume, cancel and retry from the buttons; the list follows the live batch", async ({ page, request }) => {
  // Three batches really process here (the first one 90 jobs, given 90 s to finish below).
  test.setTimeout(180_000);
  const live = await uploadBatch(request, { files: 30, prefix: "E2E_UI", size: 1600, pipelines: 3 });
  const name = (await (await request.get(`/api/batches/${live.id}`)).json()).base_directory_name as string;
  await page.goto(`/?q=${encodeURIComponent(name)}`);
  const liveRow = row(page, name);
  await liveRow.getByRole("button", { name: `Pause ${name}` }).click();
  await expect(liveRow).toHaveAttribute("data-status", "paused");
  await expect(liveRow.getByRole("button", { name: `Resume ${name}` })).toBeVisible();
  await liveRow.getByRole("button", { name: `Resume ${name}` }).click();
  await expect(liveRow).toHaveAttribute("data-status", /pending|processing/);
  await expect(page).toHaveTitle(/^\(\d+%\) Batchyard/);
  await expect(liveRow).toHaveAttribute("data-status", "completed", { timeout: 90_000 });
  await expect(liveRow.getByText("100%")).toBeVisible();

  const doomed = await uploadBatch(request, { files: 30, prefix: "E2E_UICANCEL", size: 1600, pipelines: 3 });
  const doomedName = (await (await request.get(`/api/batches/${doomed.id}`)).json()).base_directory_name as string;
  await page.goto(`/?q=${encodeURIComponent(doomedName)}`);
  await row(page, doomedName).getByRole("button", { name: `Cancel ${doomedName}` }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(`Cancel ${doomedName}?`);
  await dialog.getByRole("button", { name: "Cancel batch" }).click();
  await expect(row(page, doomedName)).toHaveAttribute("data-status", "cancelled");

  const flawed = await uploadBatch(request, { files: 2, prefix: "E2E_UIRETRY", broken: await truncatedJpeg() });
  await waitForBatch(request, flawed.id, (b) => b.status === "completed" && b.failed_jobs === 1);
  const flawedName = (await (await request.get(`/api/batches/${flawed.id}`)).json()).base_directory_name as string;
  await page.goto(`/?q=${encodeURIComponent(flawedName)}`);
  await expect(row(page, flawedName).getByText("completed with 1 failed")).toBeVisible();
  await row(page, flawedName).getByRole("button", { name: `Retry failed files of ${flawedName}` }).click();
  // The broken file fails again after its retry: a retry starts a fresh attempt budget, and the
  // job's run history shows both failed runs.
  await expect(row(page, flawedName).getByText("completed with 1 failed")).toBeVisible();
  const failedJob = (await (await request.get(`/api/batches/${flawed.id}`)).json()).jobs.find((j: { status: string }) => j.status === "failed");
  await expect
    .poll(async () => (await (await request.get(`/api/jobs/${failedJob.id}`)).json()).history.filter((a: { outcome: string }) => a.outcome === "failed").length)
    .toBe(2);

  await row(page, flawedName).getByRole("button", { name: `Delete ${flawedName}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete batch" }).click();
  await expect(row(page, flawedName)).toHaveCount(0);
  expect((await request.get(`/api/batches/${flawed.id}`)).status()).toBe(404);
});

async function shoot(page: Page, name: string, width: number) {
  await expect(rows(page).first()).toBeVisible();
  await rows(page).first().getByRole("button", { expanded: false }).first().click();
  await expect(page.getByTestId("job-row").first()).toBeVisible();
  await page.screenshot({ path: `test-results/${name}.png`, fullPage: width > 375 });
}

test("screenshots of the dashboard with seeded data, light and dark, desktop and 375 px", async ({ browser }) => {
  for (const colorScheme of ["light", "dark"] as const) {
    for (const [width, tag] of [[1280, "desktop"], [375, "mobile"]] as const) {
      const page = await browser.newPage({ colorScheme, viewport: { width, height: 1000 } });
      await page.goto(`/?date_to=${dateTo}`);
      await shoot(page, `dashboard-seeded-${tag}-${colorScheme}`, width);
      await page.close();
    }
  }
});

test("screenshots of the dashboard and batch page with a live batch, light and dark", async ({ browser, request }) => {
  const live = await uploadBatch(request, { files: 40, prefix: "E2E_SHOT", size: 1600, pipelines: 3 });
  for (const colorScheme of ["light", "dark"] as const) {
    for (const [width, tag] of [[1280, "desktop"], [375, "mobile"]] as const) {
      const page = await browser.newPage({ colorScheme, viewport: { width, height: 1000 } });
      await page.goto("/");
      await shoot(page, `dashboard-live-${tag}-${colorScheme}`, width);
      await page.goto(`/batches/${live.id}`);
      await expect(page.getByTestId("job-row").first()).toBeVisible();
      await page.screenshot({ path: `test-results/dashboard-batch-${tag}-${colorScheme}.png` });
      await page.close();
    }
  }
  await request.post(`/api/batches/${live.id}/cancel`);
});
