import { expect, test } from "@playwright/test";
import { truncatedJpeg, uploadBatch, waitForBatch } from "./dashboard-fixtures";
import { listSettled, rows, runPrefix } from "./first-day-helpers";

/**
 * A 31-file, 3-pipeline batch expanded to 93 rows (6,000 px; 10,000 on a phone). Now: one row per
 * file with its pipelines' outputs inside, failed files first, 20 files at a time.
 */

let prefix = "";
let batchId = "";
test.beforeAll(async ({ request }) => {
  prefix = runPrefix("FDFILES");
  const batch = await uploadBatch(request, { files: 31, prefix, pipelines: 3, broken: await truncatedJpeg() });
  batchId = batch.id;
  await waitForBatch(request, batchId, (b) => b.status === "completed" && b.completed_jobs + b.failed_jobs === b.total_jobs, 120_000);
});

for (const [width, label] of [[1440, "desktop"], [375, "phone"]] as const) {
  test(`an expanded batch is one row per file, failures first, paged (${label})`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`/?q=${prefix}`);
    await listSettled(page, new RegExp(`q=${prefix}`));
    const row = rows(page).filter({ hasText: prefix });
    await row.getByRole("button", { expanded: false }).first().click();
    const files = row.getByTestId("file-row");
    await expect(files).toHaveCount(20);
    await expect(row.getByTestId("files-summary")).toHaveText("32 files × 3 pipelines · 1 with failures, listed first");

    // The broken file leads, with one output line per pipeline, each failed with a Retry.
    const first = files.first();
    await expect(first).toContainText(`${prefix}_broken.jpg`);
    await expect(first.getByTestId("job-row")).toHaveCount(3);
    await expect(first.getByRole("button", { name: /^Retry / })).toHaveCount(3);
    for (const file of await files.all()) await expect(file.getByTestId("job-row")).toHaveCount(3);
    await expect(files.nth(1).getByRole("link", { name: /^Download output of / })).toHaveCount(3);

    // Twenty files stay a short page (the 93-row list was 6,000 px, 10,000 on a phone).
    const panel = await row.locator(`#batch-${batchId}-files`).boundingBox();
    // Each file row also shows its folder and failure line now; still a third of the old phone page.
    expect(panel!.height).toBeLessThan(width > 400 ? 2_000 : 3_500);

    await row.getByRole("button", { name: "Show 12 more" }).click();
    await expect(files).toHaveCount(32);
    await expect(row.getByRole("button", { name: /Show \d+ more/ })).toHaveCount(0);
  });
}

test("the batch page lists the same file rows", async ({ page }) => {
  await page.goto(`/batches/${batchId}`);
  await expect(page.getByTestId("file-row")).toHaveCount(20);
  await expect(page.getByTestId("file-row").first()).toContainText(`${prefix}_broken.jpg`);
  await page.getByRole("button", { name: "Show all" }).click();
  await expect(page.getByTestId("file-row")).toHaveCount(32);
  await expect(page.getByTestId("job-row")).toHaveCount(96);
});
