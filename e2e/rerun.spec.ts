import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { photo } from "./fixtures";
import { uploadBatch, waitForBatch } from "./dashboard-fixtures";

/** Process again: a batch's stored originals through another pipeline, as a new batch. */

const unique = () => Math.random().toString(36).slice(2, 7).toUpperCase();

test("re-run a batch with another pipeline from its page", async ({ page, request }) => {
  const prefix = `RERUN${unique()}`;
  const source = await uploadBatch(request, { files: 2, prefix });
  await waitForBatch(request, source.id, (b) => b.status === "completed");
  const original = await (await request.get(`/api/batches/${source.id}`)).json();

  await page.goto(`/batches/${source.id}`);
  await page.getByRole("button", { name: `Process ${original.base_directory_name} again` }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("button", { name: "Start new batch" })).toBeDisabled();
  await dialog.getByLabel("Thumbnail WebP 400 px").check();
  await expect(dialog.getByLabel("All 2 files")).toBeChecked();
  await dialog.getByRole("button", { name: "Start new batch" }).click();

  await page.waitForURL((url) => /\/batches\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(source.id));
  const again = original.base_directory_name.replace(/batch-\d+$/, "batch-2");
  await expect(page.getByRole("heading", { name: again })).toBeVisible();
  await expect(page.getByText(`Re-run of ${original.base_directory_name}`)).toBeVisible();
  const id = page.url().split("/").pop()!;
  const done = await waitForBatch(request, id, (b) => b.status === "completed");
  expect(done.completed_jobs).toBe(2);
  const detail = await (await request.get(`/api/batches/${id}`)).json();
  expect(detail.pipelines.map((p: { name: string }) => p.name)).toEqual(["Thumbnail WebP 400 px"]);
  expect(detail.jobs.every((j: { output_name: string }) => j.output_name.endsWith(".webp"))).toBe(true);
});

test("a re-run after the originals were cleaned up is refused with a clear 409", async ({ request }) => {
  const data = await photo(33, 21, "png", Date.now() % 1000);
  const uploaded = await request.post("/api/batches", { multipart: { files: { name: `GONE${unique()}_a.png`, mimeType: "image/png", buffer: data } } });
  expect(uploaded.status()).toBe(201);
  const { id } = await uploaded.json();
  await waitForBatch(request, id, (b) => b.status === "completed");
  // What retention does to an original: the stored input goes.
  fs.rmSync(path.join(process.env.E2E_DATA_DIR!, "inputs", createHash("sha256").update(data).digest("hex")));
  const res = await request.post(`/api/batches/${id}/rerun`, { data: { pipeline_ids: [1] } });
  expect(res.status()).toBe(409);
  const { error } = await res.json();
  expect(error.message).toContain("cannot be processed again: its originals are no longer stored");
  expect(error.details.reason).toBe("originals_gone");
});
