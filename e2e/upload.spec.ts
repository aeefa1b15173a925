import sharp from "sharp";
import { expect, test, type Page } from "@playwright/test";

/** The upload page in a real browser against `next start`: pick or drop, preview, progress, land on the batch. */

const today = () => {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};
const uniquePrefix = (name: string) => `${name}_U${Date.now().toString(36).toUpperCase()}`;

/** Noise PNG: incompressible, so a few of them take a visible moment on a throttled link. */
async function noisePng(seed: number, size = 64): Promise<Buffer> {
  const raw = Buffer.alloc(size * size * 3);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < raw.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    raw[i] = x >>> 24;
  }
  return sharp(raw, { raw: { width: size, height: size, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
}

const png = (name: string, buffer: Buffer) => ({ name, mimeType: "image/png", buffer });

/** Chromium's own upload throttling, so the progress bar has time to show. */
async function throttleUploads(page: Page, bytesPerSecond: number) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
}

test("pick files, see reasons, name preview and progress, then land on the new batch", async ({ page }) => {
  const prefix = uniquePrefix("PICK");
  await page.goto("/upload");
  await expect(page.getByRole("heading", { name: "Upload a batch" })).toBeVisible();
  await expect(page.getByRole("checkbox", { name: /\(default\)/ })).toBeChecked();

  await page.getByLabel("Choose image files").setInputFiles([
    png(`${prefix}_front.png`, await noisePng(1, 700)),
    png(`${prefix}_back.png`, await noisePng(2, 700)),
    { name: "logo.svg", mimeType: "image/svg+xml", buffer: Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>") },
    { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") },
  ]);
  await expect(page.getByRole("heading", { name: "2 files to send" })).toBeVisible();
  await expect(page.getByText("Excluded: SVG is not accepted")).toBeVisible();
  await expect(page.getByText(/Excluded: not a JPEG, PNG/)).toBeVisible();
  await expect(page.getByTestId("selection-summary")).toContainText("2 excluded");
  await expect(page.getByTestId("name-preview")).toHaveText(new RegExp(`^${prefix}_${today()}_batch-1$`));

  await page.getByLabel("Customer prefix").fill(`${prefix}_x`);
  await expect(page.getByTestId("name-preview")).toHaveText(`${prefix}_X_${today()}_batch-1`);
  await page.getByLabel("Priority").selectOption("high");

  await throttleUploads(page, 1024 * 1024);
  await page.getByRole("button", { name: "Upload 2 files" }).click();
  await expect(page.getByRole("progressbar", { name: "Upload progress" })).toBeVisible();
  await expect(page.getByTestId("progress-text")).toContainText(/\b\d+% · .* of .* · .*\/s|server is checking/);
  await expect(page.getByRole("status").filter({ hasText: "created" })).toContainText(`${prefix}_X_${today()}_batch-1`);
  await expect(page.getByRole("link", { name: "Open it on the dashboard" })).toHaveAttribute("href", /\/batches\/[0-9a-f-]{36}$/);

  await page.waitForURL(/\/batches\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: `${prefix}_X_${today()}_batch-1` })).toBeVisible();
});

test("a synthetic drop of files is previewed and uploaded", async ({ page, request }) => {
  const prefix = uniquePrefix("DROP");
  await page.goto("/upload");
  const files = await Promise.all([3, 4, 5].map(async (seed, i) => ({ name: `${prefix}_${i}.png`, data: (await noisePng(seed)).toString("base64") })));
  await page.getByTestId("drop-zone").evaluate((zone, list) => {
    const transfer = new DataTransfer();
    for (const f of list) transfer.items.add(new File([Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0))], f.name, { type: "image/png" }));
    for (const type of ["dragenter", "dragover", "drop"]) zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
  }, files);
  await expect(page.getByRole("heading", { name: "3 files to send" })).toBeVisible();
  await expect(page.locator("img")).toHaveCount(3);
  await expect(page.getByTestId("name-preview")).toHaveText(`${prefix}_${today()}_batch-1`);
  await page.getByRole("button", { name: "Upload 3 files" }).click();
  await page.waitForURL(/\/batches\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: `${prefix}_${today()}_batch-1` })).toBeVisible();
  const id = page.url().split("/").pop();
  const batch = await (await request.get(`/api/batches/${id}`)).json();
  expect(batch).toMatchObject({ customer_prefix: prefix, total_files: 3 });
});

test("a refusal from the server is shown with the file it names", async ({ page }) => {
  await page.goto("/upload");
  await page.getByLabel("Choose image files").setInputFiles([
    png("fine.png", await noisePng(6)),
    { name: "disguised.png", mimeType: "image/png", buffer: Buffer.from("<!doctype html><html><body>not an image</body></html>") },
  ]);
  await expect(page.getByRole("heading", { name: "2 files to send" })).toBeVisible();
  await page.getByRole("button", { name: "Upload 2 files" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "refused" });
  await expect(alert).toContainText("disguised.png is not a JPEG, PNG, WebP, AVIF, TIFF or GIF image");
  await expect(alert).toContainText("File: disguised.png");
  await expect(page.getByText("Refused by the server")).toBeVisible();
  await expect(page).toHaveURL(/\/upload$/);
});

test("keyboard reaches every control in order", async ({ page }) => {
  await page.goto("/upload");
  await page.getByRole("button", { name: "Choose files" }).focus();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Choose a folder", exact: true })).toBeFocused();
  await page.keyboard.press("Tab");
  const firstPipeline = page.getByRole("checkbox").first();
  await expect(firstPipeline).toBeFocused();
  const wasChecked = await firstPipeline.isChecked();
  await page.keyboard.press("Space");
  await expect(firstPipeline).toBeChecked({ checked: !wasChecked });
  await page.getByLabel("Priority").focus();
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Description")).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Customer prefix")).toBeFocused();
  await page.keyboard.type("ab-c");
  await expect(page.getByLabel("Customer prefix")).toHaveValue("AB-C");
  await expect(page.getByText("Use A–Z and 0–9 segments")).toBeVisible();
});

for (const scheme of ["light", "dark"] as const) {
  for (const [label, width] of [["desktop", 1280], ["mobile", 375]] as const) {
    test(`screenshot ${label} ${scheme}`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width, height: 900 });
      await page.goto("/upload");
      await page.getByLabel("Choose image files").setInputFiles([
        png("PL_DXB_front.png", await noisePng(7, 120)),
        png("PL_DXB_back.png", await noisePng(8, 120)),
        { name: "vector.svg", mimeType: "image/svg+xml", buffer: Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>") },
      ]);
      await expect(page.getByTestId("name-preview")).toHaveText(/^PL_DXB_\d{4}-\d{2}-\d{2}_batch-\d+$/);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBe(0);
      await page.screenshot({ path: `test-results/upload-${label}-${scheme}.png`, fullPage: true });
    });
  }
}
