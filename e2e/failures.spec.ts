import { expect, test, type APIRequestContext } from "@playwright/test";
import { photo, truncatedJpeg, waitForBatch } from "./dashboard-fixtures";

/**
 * The Failures view: failed files of every batch grouped by error, "retry these" and "dismiss" on a
 * group, and the batch page's inline attempt history. The spec's own pipeline keeps its group apart
 * from other suites' failures on the shared server (the view filters by pipeline).
 */

const suffix = () => Math.random().toString(36).slice(2, 8);

async function uploadWithBrokenFile(request: APIRequestContext, pipelineId: string, prefix: string) {
  const form = new FormData();
  form.append("files", new File([new Uint8Array(await photo(32, 24, 1))], `${prefix}_good.png`, { type: "image/png" }));
  form.append("files", new File([new Uint8Array(await truncatedJpeg())], `${prefix}_broken.jpg`, { type: "image/jpeg" }));
  form.append("pipeline_id", pipelineId);
  const res = await request.post("/api/batches", { multipart: form });
  expect(res.status(), await res.text()).toBe(201);
  const batch = (await res.json()) as { id: string };
  await waitForBatch(request, batch.id, (b) => b.completed_jobs === 1 && b.failed_jobs === 1);
  return batch.id;
}

test("a failure group is retried from the Failures view, then dismissed; the batch page shows each attempt", async ({ page, request }) => {
  const name = `E2E failures ${suffix()}`;
  const created = await request.post("/api/pipelines", { data: { name, format: "webp", width: 64 } });
  expect(created.status()).toBe(201);
  const pipeline = (await created.json()) as { id: string };
  const batches = [await uploadWithBrokenFile(request, pipeline.id, "FAILA"), await uploadWithBrokenFile(request, pipeline.id, "FAILB")];

  // A cut-off JPEG fails as truncated_image or corrupt_image (libvips words it either way), so the
  // expected groups are read from the API first.
  const api = (await (await request.get(`/api/failures?pipeline_id=${pipeline.id}`)).json()) as {
    total_failures: number;
    groups: { error_code: string; error_message: string; files: number; batch_count: number; batches: { id: string }[] }[];
  };
  expect(api.total_failures).toBe(2);
  const [first] = api.groups;
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

  await page.goto("/failures");
  await page.getByLabel("Pipeline").selectOption(pipeline.id);
  const groups = page.getByTestId("failure-group");
  await expect(groups).toHaveCount(api.groups.length);
  const group = groups.first();
  await expect(group).toHaveAttribute("data-error-code", first!.error_code);
  await expect(group).toContainText(first!.error_message);
  await expect(group).toContainText(`${plural(first!.files, "failed file", "failed files")} in ${plural(first!.batch_count, "batch", "batches")}`);
  await expect(group.getByRole("list", { name: "Some files with this error" }).getByRole("listitem")).toHaveCount(first!.files);
  await expect(group.getByRole("list", { name: "Batches with this error" }).getByRole("link")).toHaveCount(first!.batch_count);

  await group.getByRole("button", { name: "Retry these" }).click();
  const answer = page.waitForResponse((r) => r.url().endsWith("/api/failures/retry"));
  await page.getByRole("dialog", { name: `Retry ${plural(first!.files, "failed file", "failed files")}?` }).getByRole("button", { name: /^Retry \d+ files?$/ }).click();
  expect(await (await answer).json()).toMatchObject({ action: "retry", files: first!.files, files_done: first!.files, done: first!.batch_count, skipped: 0 });
  await expect(page.getByTestId("failure-action-result")).toContainText(`Retried ${first!.files} of ${first!.files} files in ${plural(first!.batch_count, "batch", "batches")}.`);

  // The broken files fail again (a fresh run each); the batch page lists the run before the retry and the one after.
  const retried = first!.batches[0]!.id;
  await waitForBatch(request, retried, (b) => b.failed_jobs === 1 && b.status !== "processing");
  await page.goto(`/batches/${retried}`);
  await page.getByRole("button", { name: /^History of FAIL[AB]_broken\.jpg/ }).click();
  const history = page.getByTestId("attempt-history");
  await expect(history).toHaveCount(1);
  const attempts = history.getByRole("list", { name: /^Attempts of FAIL[AB]_broken\.jpg/ }).getByRole("listitem");
  await expect(attempts).toHaveCount(2);
  for (const attempt of await attempts.all()) await expect(attempt).toContainText(/failed.*The image file is/s);

  for (const id of batches) await waitForBatch(request, id, (b) => b.failed_jobs === 1 && b.status !== "processing");
  await page.goto("/failures");
  await page.getByLabel("Pipeline").selectOption(pipeline.id);
  await expect(page.getByTestId("failures-total")).toContainText("2 open failures");
  while ((await groups.count()) > 0) {
    const before = await groups.count();
    await groups.first().getByRole("button", { name: "Dismiss" }).click();
    await page.getByRole("dialog", { name: /^Dismiss \d+ failures?\?$/ }).getByRole("button", { name: "Dismiss" }).click();
    await expect(page.getByTestId("failure-action-result")).toContainText(/^Dismissed (\d+) of \1 files/);
    await expect(groups).toHaveCount(before - 1);
  }
  await expect(page.getByText("No open failures in this range.")).toBeVisible();
  expect((await (await request.get(`/api/batches/${batches[0]}`)).json()).failed_jobs).toBe(1);
});
