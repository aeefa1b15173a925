import sharp from "sharp";
import { expect, test } from "@playwright/test";
import { runPrefix } from "./first-day-helpers";

/**
 * One unreadable file refused the whole upload and the user had to find it, remove it and resend.
 * The API stays all-or-nothing; the page offers "remove the refused file and send the rest".
 */

test("a refused file is removed and the rest sent in one click", async ({ page, request }) => {
  const prefix = runPrefix("FDREFUSE");
  const image = await sharp({ create: { width: 32, height: 24, channels: 3, background: "#10b981" } }).png().toBuffer();
  await page.goto("/upload");
  await page.getByLabel("Choose image files").setInputFiles([
    { name: `${prefix}_a.png`, mimeType: "image/png", buffer: image },
    { name: `${prefix}_broken.png`, mimeType: "image/png", buffer: Buffer.from("<!doctype html><p>saved from a browser, not an image</p>") },
    { name: `${prefix}_b.png`, mimeType: "image/png", buffer: image },
    { name: `${prefix}_c.png`, mimeType: "image/png", buffer: image },
  ]);
  await page.getByRole("button", { name: "Upload 4 files" }).click();

  const alert = page.getByRole("alert").filter({ hasText: "refused" });
  await expect(alert).toContainText(`${prefix}_broken.png is not a JPEG, PNG`);
  await expect(alert).toBeFocused(); // brought into view, wherever the user was
  expect((await (await request.get(`/api/batches?q=${prefix}`)).json()).total).toBe(0); // all or nothing

  await alert.getByRole("button", { name: "Remove the 1 refused file and send the other 3" }).click();
  await page.waitForURL(/\/batches\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").pop();
  const batch = await (await request.get(`/api/batches/${id}`)).json();
  expect(batch.total_files).toBe(3);
  expect(batch.jobs.map((j: { file_name: string }) => j.file_name).sort()).toEqual([`${prefix}_a.png`, `${prefix}_b.png`, `${prefix}_c.png`]);
});
