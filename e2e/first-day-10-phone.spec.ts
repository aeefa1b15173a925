import sharp from "sharp";
import { expect, test } from "@playwright/test";
import { listSettled, rows, runPrefix } from "./first-day-helpers";

/**
 * On a 375 px phone: batch names were cut to "ACME_2026-11-3…" so batch-1 and batch-2 looked the
 * same, the navigation wrapped "System" onto a second line, and Upload sat below the whole list.
 */

test.use({ viewport: { width: 375, height: 740 } });

test("batch names keep their distinguishing end when cut", async ({ page, request }) => {
  const prefix = `${runPrefix("FDPHONE")}_WAREHOUSENORTH_RETURNS`;
  for (let i = 0; i < 2; i++) {
    const form = new FormData();
    form.append("files", new File([new Uint8Array(await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } }).png().toBuffer())], "shot.png", { type: "image/png" }));
    form.append("customer_prefix", prefix);
    expect((await request.post("/api/batches", { multipart: form })).status()).toBe(201);
  }
  await page.goto(`/?q=${prefix.split("_")[0]}`);
  await listSettled(page, /q=/);
  const names = rows(page).locator("button[aria-expanded] .font-mono");
  await expect(names).toHaveCount(2);
  for (const name of await names.all()) {
    const [head, tail] = [name.locator("span").first(), name.locator("span").last()];
    // The name is long enough to be cut on a phone: the head is truncated, the tail is whole.
    expect(await head.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await tail.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await tail.scrollIntoViewIfNeeded();
    await expect(tail).toBeInViewport({ ratio: 1 });
  }
  expect((await names.locator("span:last-child").allTextContents()).sort()).toEqual(["_batch-1", "_batch-2"]);
  await page.screenshot({ path: test.info().outputPath("names.png") });
});

test("the main navigation stays on one line", async ({ page }) => {
  await page.goto("/");
  const links = page.getByRole("navigation", { name: "Main" }).getByRole("link");
  await expect(links.last()).toBeVisible();
  const tops = await links.evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
  expect(new Set(tops).size).toBe(1);
  for (const link of await links.all()) await expect(link).toBeInViewport({ ratio: 1 });
  const nav = page.getByRole("navigation", { name: "Main" });
  expect(await nav.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true); // fits without scrolling
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
});

test("the upload button stays reachable below a long file list", async ({ page }) => {
  const image = await sharp({ create: { width: 12, height: 12, channels: 3, background: "#6366f1" } }).png().toBuffer();
  await page.goto("/upload");
  await page.getByLabel("Choose image files").setInputFiles(Array.from({ length: 30 }, (_, i) => ({ name: `PHONE_${i}.png`, mimeType: "image/png", buffer: image })));
  const upload = page.getByRole("button", { name: "Upload 30 files" });
  await expect(upload).toBeInViewport({ ratio: 1 });
  await page.getByRole("button", { name: "Remove PHONE_15.png" }).scrollIntoViewIfNeeded();
  await expect(page.getByRole("button", { name: "Upload 30 files" })).toBeInViewport({ ratio: 1 });
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await expect(upload).toBeInViewport({ ratio: 1 });
  // Nothing of the page hides behind the footer for good: the last control can be scrolled above it.
  const footerTop = (await page.getByTestId("send-panel").boundingBox())!.y;
  const field = (await page.getByTestId("name-preview").boundingBox())!;
  expect(field.y + field.height).toBeLessThanOrEqual(footerTop);
  await page.screenshot({ path: test.info().outputPath("upload.png") });
});
