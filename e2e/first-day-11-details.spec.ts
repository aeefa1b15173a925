import sharp from "sharp";
import { expect, test } from "@playwright/test";
import { uploadBatch, waitForBatch } from "./dashboard-fixtures";
import { listSettled, rows, runPrefix } from "./first-day-helpers";

/** The smaller things: skip link, word breaks, thumbnail placeholders, one date format, wording, favicon, 404. */

test("the skip link shows above the header when focused and jumps to the content", async ({ page }) => {
  await page.goto("/");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  const box = (await skip.boundingBox())!;
  const onTop = await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.textContent, [box.x + box.width / 2, box.y + box.height / 2]);
  expect(onTop).toBe("Skip to content");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/#main$/);
});

test("the upload success message breaks only the batch name, never a word", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  const prefix = `${runPrefix("FDWRAP")}_WAREHOUSENORTH_RETURNS`;
  const image = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#111" } }).png().toBuffer();
  await page.goto("/upload");
  await page.getByLabel("Choose image files").setInputFiles([{ name: `${prefix}_a.png`, mimeType: "image/png", buffer: image }]);
  await page.getByLabel("Customer prefix").fill(prefix);
  await page.getByRole("button", { name: "Upload 1 file" }).click();
  const message = page.getByRole("status").filter({ hasText: "created" }).locator("p").first();
  await expect(message).toContainText(`${prefix}_`);
  // "created." sits on one line: its text box has a single rectangle.
  const lines = await message.evaluate((p) => {
    const node = [...p.childNodes].reverse().find((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.includes("created"))!;
    const range = document.createRange();
    const start = node.textContent!.indexOf("created");
    range.setStart(node, start);
    range.setEnd(node, start + "created.".length);
    return range.getClientRects().length;
  });
  expect(lines).toBe(1);
});

test("thumbnails show the file type until they load, and dates read the same on every page", async ({ page, request }) => {
  const prefix = runPrefix("FDTHUMB");
  const batch = await uploadBatch(request, { files: 2, prefix });
  await waitForBatch(request, batch.id, (b) => b.status === "completed");
  // Hold the thumbnails back: the squares must show something meanwhile, not blank boxes.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/files/*/thumbnail", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`/?q=${prefix}`);
  await listSettled(page, new RegExp(`q=${prefix}`));
  await rows(page).first().getByRole("button", { expanded: false }).first().click();
  const firstFile = page.getByTestId("file-row").first();
  await expect(firstFile.getByText("PNG", { exact: true })).toBeVisible();
  release();
  await expect(firstFile.locator("img")).toHaveCSS("opacity", "1");
  await expect(firstFile.getByText("PNG", { exact: true })).toHaveCount(0);

  // One date format: "Nov 5, 2026" on the dashboard row and both dates on the batch page.
  const date = /[A-Z][a-z]{2} \d{1,2}, \d{4}/;
  await expect(rows(page).first()).toContainText(new RegExp(`Created ${date.source}`));
  await page.goto(`/batches/${batch.id}`);
  for (const fact of ["Batch date", "Created"]) {
    await expect(page.locator("dt", { hasText: fact }).locator("xpath=following-sibling::dd")).toHaveText(new RegExp(`^${date.source}`));
  }
});

test("throughput and time left are worded plainly", async ({ page }) => {
  await page.goto("/");
  const stats = page.getByRole("region", { name: "Queue statistics" });
  await expect(stats.getByText("Throughput")).toBeVisible();
  await expect(stats.getByTestId("stat-throughput")).toHaveText(/^[\d.,]+ \/ min$/);
  await expect(stats.getByText("outputs, last 10 min")).toBeVisible();
  await expect(stats.getByText("Files / min")).toHaveCount(0);
});

test("every page has a favicon, and an unknown address gets a branded 404 with a way back", async ({ page, request }) => {
  await page.goto("/");
  const href = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(href).toBeTruthy();
  const icon = await request.get(href!);
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toContain("image/svg+xml");

  const response = await page.goto("/no-such-page");
  expect(response!.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await page.getByRole("link", { name: "Back to the dashboard" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Batches" })).toBeVisible();
});
