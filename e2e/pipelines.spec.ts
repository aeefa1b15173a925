import { expect, test, type Page } from "@playwright/test";

const unique = () => Math.random().toString(36).slice(2, 7);

async function shoot(page: Page, name: string) {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: `reports/screens/${name}-${colorScheme}.png`, fullPage: true, animations: "disabled" });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

test("create a pipeline on the page, preview it, and find it offered for uploads", async ({ page }) => {
  const name = `Shop WebP ${unique()}`;
  await page.goto("/pipelines");
  await expect(page.getByRole("list", { name: "Pipelines" }).getByText("Default", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "New pipeline" }).click();

  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Format").selectOption("webp");
  await page.getByLabel("Max width (px)").fill("640");
  await page.getByLabel("Max height (px)").fill("");
  await page.getByLabel("Quality (1–100)").fill("150");

  // The editor checks the field as it is typed, in plain words, and will not submit until it is fixed.
  await expect(page.getByRole("alert").filter({ hasText: "quality" }).first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Create pipeline" })).toBeDisabled();
  await expect(page.locator("#spec-quality-error")).toContainText(/100/);

  await page.getByLabel("Quality (1–100)").fill("70");
  await expect(page.getByTestId("preview-info")).toContainText("640 × 427");
  await expect(page.getByTestId("preview-info")).toContainText("WEBP");
  await expect(page.getByRole("img", { name: "Preview of the pipeline's output" })).toBeVisible();
  await page.getByLabel("Sample image").selectOption("portrait-exif.jpg");
  await expect(page.getByTestId("preview-info")).toContainText("600 × 900"); // auto-oriented, not enlarged
  await shoot(page, "pipelines-editor");

  await page.getByRole("button", { name: "Create pipeline" }).click();
  await expect(page.getByRole("status")).toContainText(`Created “${name}”`);
  await expect(page.getByRole("list", { name: "Pipelines" }).getByText(name)).toBeVisible();

  await page.setViewportSize({ width: 375, height: 900 });
  await shoot(page, "pipelines-375");

  // The new pipeline is offered on the upload page, unticked (only the default is preselected).
  await page.goto("/upload");
  const offered = page.getByRole("checkbox", { name, exact: true });
  await expect(offered).toBeVisible();
  await expect(offered).not.toBeChecked();
});

test("archive on delete confirms first and hides the pipeline behind the toggle", async ({ page, request }) => {
  const name = `Temp ${unique()}`;
  expect((await request.post("/api/pipelines", { data: { name, format: "png" } })).status()).toBe(201);
  await page.goto("/pipelines");
  await page.getByRole("button", { name: `Delete ${name}` }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(`Delete “${name}”?`);
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByRole("status")).toContainText(`Deleted “${name}”`);
  await expect(page.getByRole("list", { name: "Pipelines" }).getByText(name)).toHaveCount(0);
});

test("pipeline API: validation, duplicates, default and preview", async ({ request }) => {
  const bad = await request.post("/api/pipelines", { data: { name: "x", format: "webp", sharpness: 2 } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toContain("sharpness");
  const name = `Api ${unique()}`;
  const created = await request.post("/api/pipelines", { data: { name, format: "avif", width: 300 } });
  expect(created.status()).toBe(201);
  const p = await created.json();
  expect((await request.post("/api/pipelines", { data: { name, format: "png" } })).status()).toBe(409);
  const patched = await request.patch(`/api/pipelines/${p.id}`, { data: { is_default: true, quality: 40 } });
  expect(await patched.json()).toMatchObject({ is_default: true, quality: 40 });
  const { data } = await (await request.get("/api/pipelines")).json();
  expect(data.filter((x: { is_default: boolean }) => x.is_default).map((x: { id: string }) => x.id)).toEqual([p.id]);
  expect((await request.get("/api/pipelines/00000000-0000-0000-0000-000000000000")).status()).toBe(404);

  const preview = await request.post("/api/pipelines/preview", { data: { spec: { format: "png", width: 100, alpha: false }, sample: "transparent.png" } });
  expect(preview.status()).toBe(200);
  expect(preview.headers()["content-type"]).toBe("image/png");
  expect(preview.headers()["x-output-width"]).toBe("100");
  const svg = await request.post("/api/pipelines/preview", {
    multipart: { spec: JSON.stringify({ format: "png" }), file: { name: "x.svg", mimeType: "image/svg+xml", buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') } },
  });
  expect(svg.status()).toBe(415);
  expect((await request.get("/api/jobs/nope/output")).status()).toBe(404);
  expect((await request.get("/api/files/nope/thumbnail")).status()).toBe(404);
});
