import sharp from "sharp";
import { expect, test } from "@playwright/test";
import { runPrefix } from "./first-day-helpers";

/**
 * Picking 60 files silently dropped 10 with a note at the bottom of a long list while the button
 * said "Upload 50 files". The limit is said beside the button, and the ten are sent as a second batch.
 */

async function tinyPngs(prefix: string, count: number) {
  const image = await sharp({ create: { width: 24, height: 16, channels: 3, background: "#3b82f6" } }).png().toBuffer();
  return Array.from({ length: count }, (_, i) => ({ name: `${prefix}_${String(i + 1).padStart(2, "0")}.png`, mimeType: "image/png", buffer: image }));
}

test("60 files: the button says 50, the ten over the limit are named beside it and go as a second batch", async ({ page, request }) => {
  const prefix = runPrefix("FDSIXTY");
  await page.goto("/upload");
  await page.getByLabel("Choose image files").setInputFiles(await tinyPngs(prefix, 60));
  await expect(page.getByRole("heading", { name: "50 files to send" })).toBeVisible();
  const send = page.getByTestId("send-panel");
  const upload = send.getByRole("button", { name: "Upload 50 files" });
  await expect(upload).toBeVisible();
  await expect(send.getByTestId("over-limit")).toHaveText(
    "10 files over the limit of 50 will not be sent — send them as a second batch: they stay selected after this upload.",
  );
  // Beside the button, in view together with it, not at the foot of the list.
  await expect(send.getByTestId("over-limit")).toBeInViewport();
  await expect(upload).toBeInViewport();
  await expect(page.getByTestId("selection-summary")).toContainText("10 for a second batch");

  await upload.click();
  const created = page.getByRole("status").filter({ hasText: "created" });
  await expect(created).toContainText("10 files were over the limit and are still selected");
  const first = await (await request.get(`/api/batches?q=${prefix}`)).json();
  expect(first.data.map((b: { total_files: number }) => b.total_files)).toEqual([50]);

  await expect(page.getByRole("heading", { name: "10 files to send" })).toBeVisible();
  await expect(send.getByTestId("over-limit")).toHaveCount(0);
  await send.getByRole("button", { name: "Upload 10 files" }).click();
  await page.waitForURL(/\/batches\/[0-9a-f-]{36}$/);
  const both = await (await request.get(`/api/batches?q=${prefix}&sort_by=created_at&sort_order=asc`)).json();
  expect(both.data.map((b: { total_files: number }) => b.total_files)).toEqual([50, 10]);
  expect(both.data.map((b: { base_directory_name: string }) => b.base_directory_name.split("_").pop())).toEqual(["batch-1", "batch-2"]);
});
