import { expect, test } from "@playwright/test";
import { truncatedJpeg, uploadBatch, waitForBatch } from "./dashboard-fixtures";
import { listSettled, rows, runPrefix } from "./first-day-helpers";

/** A cancelled batch read "100 % · 150/150" with a full bar: progress is the work done, in segments and words. */

test("a cancelled batch shows what was done and what was cancelled, not a full bar", async ({ page, request }) => {
  const prefix = runPrefix("FDCANCEL");
  const batch = await uploadBatch(request, { files: 40, prefix, size: 800, pipelines: 3, priority: "low" });
  // Pause once some work is done, let the running jobs finish, then cancel: done and cancelled both > 0.
  await waitForBatch(request, batch.id, (b) => b.completed_jobs >= 2);
  expect((await request.post(`/api/batches/${batch.id}/pause`)).status()).toBe(200);
  await waitForBatch(request, batch.id, (b) => (b as unknown as { running_jobs: number }).running_jobs === 0);
  expect((await request.post(`/api/batches/${batch.id}/cancel`)).status()).toBe(200);
  const final = await (await request.get(`/api/batches/${batch.id}`)).json();
  expect(final).toMatchObject({ status: "cancelled", total_jobs: 120 });
  expect(final.cancelled_jobs).toBeGreaterThan(0);

  await page.goto(`/?q=${prefix}`);
  await listSettled(page, new RegExp(`q=${prefix}`));
  const row = rows(page).filter({ hasText: prefix });
  const percent = Math.floor((final.completed_jobs / 120) * 100);
  const words = row.getByTestId("progress-words");
  await expect(words).toHaveText(`${percent}% · ${final.completed_jobs} done${final.failed_jobs ? ` · ${final.failed_jobs} failed` : ""} · ${final.cancelled_jobs} cancelled`);
  await expect(words).not.toContainText("100%");
  const bar = row.getByRole("progressbar");
  await expect(bar).toHaveAttribute("aria-valuenow", String(percent));
  await expect(bar).toHaveAttribute("aria-valuetext", new RegExp(`${final.cancelled_jobs} cancelled`));
  // Segments: done and cancelled widths are their shares of the bar.
  const widths = await bar.locator("> div").evaluateAll((els) => els.map((e) => parseFloat((e as HTMLElement).style.width)));
  for (const [i, n] of [final.completed_jobs, final.failed_jobs, final.cancelled_jobs].entries()) expect(widths[i]).toBeCloseTo((n / 120) * 100, 3);
});

test("a completed batch with failures reads its failures and less than 100 %", async ({ page, request }) => {
  const prefix = runPrefix("FDPARTIAL");
  const batch = await uploadBatch(request, { files: 3, prefix, broken: await truncatedJpeg() });
  await waitForBatch(request, batch.id, (b) => b.status === "completed" && b.failed_jobs === 1);
  await page.goto(`/?q=${prefix}`);
  await listSettled(page, new RegExp(`q=${prefix}`));
  const row = rows(page).filter({ hasText: prefix });
  await expect(row.getByTestId("progress-words")).toHaveText("75% · 3 done · 1 failed");
  await expect(row.getByText("completed with 1 failed")).toBeVisible();
});

test("a batch in flight counts running and waiting jobs and estimates the time left", async ({ page, request }) => {
  const prefix = runPrefix("FDLIVE");
  const batch = await uploadBatch(request, { files: 30, prefix, size: 800, pipelines: 3, priority: "low" });
  await page.goto(`/?q=${prefix}`);
  const words = rows(page).filter({ hasText: prefix }).getByTestId("progress-words");
  await expect(words).toContainText(" to go");
  await expect(words).toContainText(/about \d+ (s|min|h)\b.* left|estimating time left/);
  await request.post(`/api/batches/${batch.id}/cancel`);
});
