import sharp from "sharp";
import { expect, test, type APIRequestContext } from "@playwright/test";

/**
 * Deleting the default pipeline silently made another the default, and an archived pipeline could
 * not come back. The dialog asks which pipeline takes over; archived pipelines have Restore.
 */

const unique = () => Math.random().toString(36).slice(2, 7);
type P = { id: string; name: string; is_default: boolean; archived_at: string | null };
const live = async (request: APIRequestContext) => ((await (await request.get("/api/pipelines")).json()) as { data: P[] }).data;

let originalDefault = "";
test.beforeAll(async ({ request }) => {
  originalDefault = (await live(request)).find((p) => p.is_default)!.id;
});
// Other specs rely on the first-start default: put it back whatever happened here.
test.afterAll(async ({ request }) => {
  await request.patch(`/api/pipelines/${originalDefault}`, { data: { is_default: true } });
});

test("deleting the default asks which pipeline becomes the default", async ({ page, request }) => {
  const name = `Default ${unique()}`;
  const created = await (await request.post("/api/pipelines", { data: { name, format: "png", is_default: true } })).json();
  const successor = (await live(request)).find((p) => p.id === originalDefault)!;

  await page.goto("/pipelines");
  await page.getByRole("button", { name: `Delete ${name}` }).click();
  const dialog = page.getByRole("dialog");
  const choice = dialog.getByLabel("It is the default pipeline. Which one becomes the default?");
  await expect(choice).toBeVisible();
  await choice.selectOption({ label: successor.name });
  await dialog.getByRole("button", { name: "Delete and switch the default" }).click();
  await expect(page.getByRole("status")).toContainText(`Deleted “${name}”`);
  const card = page.getByRole("list", { name: "Pipelines" }).getByRole("listitem").filter({ hasText: successor.name });
  await expect(card.getByText("Default", { exact: true })).toBeVisible();
  const after = await live(request);
  expect(after.filter((p) => p.is_default).map((p) => p.id)).toEqual([originalDefault]);
  expect(after.some((p) => p.id === created.id)).toBe(false);
});

test("an archived pipeline is restored from Show archived", async ({ page, request }) => {
  const name = `Archived ${unique()}`;
  const pipeline = await (await request.post("/api/pipelines", { data: { name, format: "webp", width: 200 } })).json();
  // A batch uses it, so deleting archives it instead of removing it.
  const image = await sharp({ create: { width: 16, height: 16, channels: 3, background: "#f59e0b" } }).png().toBuffer();
  const upload = await request.post("/api/batches", { multipart: { files: { name: "FDARCH_a.png", mimeType: "image/png", buffer: image }, pipeline_id: pipeline.id } });
  expect(upload.status()).toBe(201);

  await page.goto("/pipelines");
  await page.getByRole("button", { name: `Delete ${name}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByRole("status")).toContainText(`Archived “${name}”`);
  await expect(page.getByRole("list", { name: "Pipelines" }).getByText(name)).toHaveCount(0);

  await page.getByLabel(/Show archived/).check();
  await page.getByRole("button", { name: `Restore ${name}` }).click();
  await expect(page.getByRole("status")).toContainText(`Restored “${name}”`);
  const card = page.getByRole("list", { name: "Pipelines" }).getByRole("listitem").filter({ hasText: name });
  await expect(card.getByText("Archived", { exact: true })).toHaveCount(0);
  await expect(card.getByRole("button", { name: `Edit ${name}` })).toBeVisible();
  expect((await live(request)).find((p) => p.id === pipeline.id)).toMatchObject({ archived_at: null, is_default: false });
  await request.delete(`/api/pipelines/${pipeline.id}`);
});
