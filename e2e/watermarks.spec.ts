import { expect, test, type Page } from "@playwright/test";
import sharp from "sharp";

/**
 * A watermark pipeline made in the editor: upload a logo, place it, see it in the live preview,
 * save. Screenshots (light, dark, 375 px) go to the test's output folder, or to docs/screenshots
 * with DOCS_SCREENSHOTS=1.
 */

const unique = () => Math.random().toString(36).slice(2, 7);
const shot = (name: string) => (process.env.DOCS_SCREENSHOTS ? `docs/screenshots/${name}` : test.info().outputPath(name));

/** A solid blue 300 x 100 logo with a transparent border: unmistakable in the preview. */
async function logo(): Promise<Buffer> {
  const mark = await sharp({ create: { width: 260, height: 70, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 1 } } }).png().toBuffer();
  return sharp({ create: { width: 300, height: 100, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite([{ input: mark, left: 20, top: 15 }])
    .png()
    .toBuffer();
}

/** The colour the preview image shows at a share of its width and height, read from a canvas. */
function previewColour(page: Page, fx: number, fy: number): Promise<number[]> {
  return page.getByRole("img", { name: "Preview of the pipeline's output" }).evaluate(async (img: HTMLImageElement, [x, y]) => {
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const g = canvas.getContext("2d")!;
    g.drawImage(img, 0, 0);
    return [...g.getImageData(Math.floor(canvas.width * x!), Math.floor(canvas.height * y!), 1, 1).data].slice(0, 3);
  }, [fx, fy]);
}

const isBlue = ([r, g, b]: number[]) => b! > 180 && r! < 80 && g! < 80;

test("create a watermark pipeline in the editor and see the mark in the preview", async ({ page }) => {
  const name = `Shop logo ${unique()}`;
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto("/pipelines");
  await page.getByRole("button", { name: "New pipeline" }).click();
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Format").selectOption("png");
  await page.getByLabel("Max width (px)").fill("800");
  await page.getByLabel("Max height (px)").fill("");
  await expect(page.getByTestId("preview-info")).toContainText("800 × 533");

  await page.getByLabel("Add a watermark").check();
  // The preview waits until a watermark image is chosen, and says so.
  await expect(page.getByText("The preview waits until the marked fields are fixed.")).toBeVisible();
  await page.locator("#spec-watermark-upload").setInputFiles({ name: "studio-logo.png", mimeType: "image/png", buffer: await logo() });
  await expect(page.getByLabel("Watermark image")).toHaveValue(/[0-9a-f-]{36}/);
  await expect(page.getByRole("img", { name: "The chosen watermark" })).toBeVisible();

  // Top left, half the output's width, no margin, fully opaque: the top-left quarter turns blue.
  await page.getByRole("radio", { name: "Top left" }).click();
  await page.getByLabel("Width (% of the output)").fill("50");
  await page.getByLabel("Margin (% of the output)").fill("0");
  await page.getByLabel("Opacity (%)").fill("100");
  await expect.poll(async () => isBlue(await previewColour(page, 0.25, 0.08)), { timeout: 15_000 }).toBe(true);
  expect(isBlue(await previewColour(page, 0.75, 0.75))).toBe(false);

  // Moved to the bottom right, the mark follows in the preview.
  await page.getByRole("radio", { name: "Bottom right" }).click();
  await expect.poll(async () => isBlue(await previewColour(page, 0.75, 0.92)), { timeout: 15_000 }).toBe(true);
  expect(isBlue(await previewColour(page, 0.25, 0.08))).toBe(false);

  await page.getByLabel("Save outputs as").fill("{prefix}_{index}-{width}x{height}");
  await expect(page.getByTestId("filename-example")).toContainText("PL_DXB_03-800x");
  const editor = page.locator("form", { has: page.getByRole("heading", { name: "New pipeline" }) });
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await editor.screenshot({ path: shot(`pipeline-watermark-1440-${colorScheme}.png`), animations: "disabled" });
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 375, height: 900 });
  await expect.poll(async () => isBlue(await previewColour(page, 0.75, 0.92)), { timeout: 15_000 }).toBe(true);
  await editor.screenshot({ path: shot("pipeline-watermark-375-light.png"), animations: "disabled" });
  await page.setViewportSize({ width: 1440, height: 1000 });

  await page.getByRole("button", { name: "Create pipeline" }).click();
  await expect(page.getByRole("status")).toContainText(`Created “${name}”`);
  const saved = (await (await page.request.get("/api/pipelines")).json()).data.find((p: { name: string }) => p.name === name);
  expect(saved.watermark).toMatchObject({ gravity: "southeast", width_pct: 50, opacity: 1, margin_pct: 0 });
  expect(saved.filename_template).toBe("{prefix}_{index}-{width}x{height}");
});

test("an asset a pipeline uses is archived on delete, not removed", async ({ request }) => {
  const upload = await request.post("/api/assets", { multipart: { file: { name: "mark.png", mimeType: "image/png", buffer: await logo() } } });
  expect([200, 201]).toContain(upload.status());
  const asset = await upload.json();
  const pipeline = await request.post("/api/pipelines", { data: { name: `Marked ${unique()}`, format: "webp", width: 200, watermark: { asset_id: asset.id } } });
  expect(pipeline.status()).toBe(201);
  const removed = await request.delete(`/api/assets/${asset.id}`);
  expect((await removed.json()).outcome).toBe("archived");
  expect((await request.get(`/api/assets/${asset.id}/image`)).status()).toBe(200);
});
