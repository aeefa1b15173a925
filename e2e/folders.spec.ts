import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import JSZip from "jszip";
import { photo } from "./fixtures";
import { waitForBatch } from "./dashboard-fixtures";

/**
 * A nested folder picked on the upload page comes back as the same tree in the batch's ZIP, with
 * the customer prefix read from the folder's name and the batch page grouping files by folder.
 */

let root = "";
test.beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-e2e-folders-"));
  const files = ["ACME_shoot/chair/front.png", "ACME_shoot/table/front.png", "ACME_shoot/table/detail/side.png"];
  for (const [i, file] of files.entries()) {
    fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), await photo(40 + i, 30, "png", i));
  }
});
test.afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

test("a nested folder picked on the upload page gives the same tree in the ZIP", async ({ page, request }) => {
  await page.goto("/upload");
  await page.getByLabel("Choose a folder of images").setInputFiles(path.join(root, "ACME_shoot"));
  await expect(page.getByRole("heading", { name: "3 files to send" })).toBeVisible();
  await expect(page.getByLabel("Keep folder structure")).toBeChecked();
  // No prefix in the file names: it comes from the folder's name.
  await expect(page.getByTestId("name-preview")).toHaveText(/^ACME_\d{4}-\d{2}-\d{2}_batch-\d+$/);
  const name = (await page.getByTestId("name-preview").textContent())!;
  await page.getByRole("button", { name: "Upload 3 files" }).click();
  await page.waitForURL(/\/batches\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").pop()!;

  // The batch page groups the files by folder.
  await expect(page.getByTestId("folder-heading")).toHaveText(["ACME_shoot/chair/", "ACME_shoot/table/", "ACME_shoot/table/detail/"]);
  await waitForBatch(request, id, (b) => b.status === "completed");

  const zip = await request.get(`/api/batches/${id}/download`);
  expect(zip.status()).toBe(200);
  const archive = await JSZip.loadAsync(await zip.body());
  const entries = Object.values(archive.files).filter((f) => !f.dir).map((f) => f.name).sort();
  const ext = (await (await request.get(`/api/batches/${id}`)).json()).jobs[0].output_name.split(".").pop();
  expect(entries).toEqual([
    `${name}/ACME_shoot/chair/front.${ext}`,
    `${name}/ACME_shoot/table/detail/side.${ext}`,
    `${name}/ACME_shoot/table/front.${ext}`,
    `${name}/manifest.csv`,
  ]);
});

test("unticking Keep folder structure sends a flat batch", async ({ page, request }) => {
  await page.goto("/upload");
  await page.getByLabel("Choose a folder of images").setInputFiles(path.join(root, "ACME_shoot"));
  await page.getByLabel("Keep folder structure").uncheck();
  await expect(page.getByTestId("name-preview")).toHaveText(/^BATCH_/);
  await page.getByRole("button", { name: "Upload 3 files" }).click();
  await page.waitForURL(/\/batches\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").pop()!;
  const detail = await (await request.get(`/api/batches/${id}`)).json();
  expect(detail.jobs.map((j: { folder: string | null }) => j.folder)).toEqual([null, null, null]);
  await expect(page.getByTestId("file-row")).toHaveCount(3);
  await expect(page.getByTestId("folder-heading")).toHaveCount(0);
});
