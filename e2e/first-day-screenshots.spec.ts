import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { photo, truncatedJpeg, waitForBatch } from "./dashboard-fixtures";
import { listSettled, rows } from "./first-day-helpers";

/**
 * Screens of the places the first-day trial stumbled on, at 1440 px light and dark and at 375 px:
 * the dashboard with a cancelled batch and one with failures, an expanded 3-pipeline batch, and the
 * upload page with 60 files. They go to the test's output folder, or to docs/screenshots with
 * DOCS_SCREENSHOTS=1 (how the committed ones are made).
 */

const shot = (name: string) => (process.env.DOCS_SCREENSHOTS ? `docs/screenshots/${name}` : test.info().outputPath(name));
const SIZES = [
  { width: 1440, colorScheme: "light", tag: "1440-light" },
  { width: 1440, colorScheme: "dark", tag: "1440-dark" },
  { width: 375, colorScheme: "light", tag: "375-light" },
] as const;
// A word only this run's batches carry in their descriptions, so a search shows just them.
const token = `shoot${Date.now().toString(36).slice(-5)}`;
let withFailures = "";

async function upload(request: APIRequestContext, o: { prefix: string; files: number; size?: number; pipelines: number; description: string; broken?: boolean; priority?: string }) {
  const form = new FormData();
  for (let i = 0; i < o.files; i++) {
    const image = await photo(o.size ?? 96, Math.round((o.size ?? 96) * 0.75), i + 1);
    form.append("files", new File([new Uint8Array(image)], `${o.prefix}_look_${String(i + 1).padStart(2, "0")}.png`, { type: "image/png" }));
  }
  if (o.broken) form.append("files", new File([new Uint8Array(await truncatedJpeg())], `${o.prefix}_look_scan.jpg`, { type: "image/jpeg" }));
  const pipelines = ((await (await request.get("/api/pipelines")).json()) as { data: { id: string }[] }).data;
  for (const p of pipelines.slice(0, o.pipelines)) form.append("pipeline_id", p.id);
  form.append("customer_prefix", o.prefix);
  form.append("description", `${o.description} · ${token}`);
  if (o.priority) form.append("priority", o.priority);
  const res = await request.post("/api/batches", { multipart: form });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as { id: string };
}

test.beforeAll(async ({ request }) => {
  test.setTimeout(240_000);
  const clean = await upload(request, { prefix: "NORD_OSL", files: 6, pipelines: 2, description: "Winter catalogue, web and thumbnails" });
  const failing = await upload(request, { prefix: "PL_DXB", files: 30, pipelines: 3, description: "Terrace shoot, all three formats", broken: true });
  const cancelled = await upload(request, { prefix: "ACME_NORTH", files: 40, size: 900, pipelines: 3, description: "Lookbook, stopped halfway", priority: "low" });
  await waitForBatch(request, cancelled.id, (b) => b.completed_jobs >= 20, 120_000);
  await request.post(`/api/batches/${cancelled.id}/pause`);
  await waitForBatch(request, cancelled.id, (b) => (b as unknown as { running_jobs: number }).running_jobs === 0);
  await request.post(`/api/batches/${cancelled.id}/cancel`);
  await waitForBatch(request, failing.id, (b) => b.status === "completed", 120_000);
  await waitForBatch(request, clean.id, (b) => b.status === "completed", 120_000);
  withFailures = failing.id;
});

async function open(page: Page, size: (typeof SIZES)[number]) {
  await page.setViewportSize({ width: size.width, height: 900 });
  await page.emulateMedia({ colorScheme: size.colorScheme });
}

/** Thumbnails load lazily: scroll through once so a full-page shot shows them all, then go back up. */
async function loadAllImages(page: Page) {
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await expect(page.locator("main img").last()).toHaveCSS("opacity", "1");
  await page.evaluate(() => window.scrollTo(0, 0));
}

test("dashboard with a cancelled batch and a batch with failures", async ({ page }) => {
  for (const size of SIZES) {
    await open(page, size);
    await page.goto(`/?q=${token}`);
    await listSettled(page, new RegExp(`q=${token}`));
    await expect(rows(page)).toHaveCount(3);
    await expect(rows(page).filter({ hasText: "cancelled" }).getByTestId("progress-words")).toContainText("cancelled");
    await page.screenshot({ path: shot(`dashboard-${size.tag}.png`), fullPage: true, animations: "disabled" });
  }
});

test("an expanded 3-pipeline batch", async ({ page }) => {
  for (const size of SIZES) {
    await open(page, size);
    await page.goto(`/?q=${token}`);
    await listSettled(page, new RegExp(`q=${token}`));
    const row = page.locator(`[data-testid="batch-row"][data-batch-id="${withFailures}"]`);
    await row.getByRole("button", { expanded: false }).first().click();
    await expect(row.getByTestId("file-row")).toHaveCount(20);
    await loadAllImages(page);
    await page.screenshot({ path: shot(`batch-expanded-${size.tag}.png`), fullPage: true, animations: "disabled" });
  }
});

test("the upload page with 60 files", async ({ page }) => {
  const image = await photo(120, 90, 7);
  const files = Array.from({ length: 60 }, (_, i) => ({ name: `PL_DXB_terrace_${String(i + 1).padStart(2, "0")}.png`, mimeType: "image/png", buffer: image }));
  for (const size of SIZES) {
    await open(page, size);
    await page.goto("/upload");
    await page.getByLabel("Choose image files").setInputFiles(files);
    await expect(page.getByTestId("over-limit")).toBeVisible();
    await expect(page.getByTestId("name-preview")).toHaveText(/^PL_DXB_\d{4}-\d{2}-\d{2}_batch-\d+$/);
    if (size.width > 400) await loadAllImages(page);
    // The phone screen is taken at its first screenful: that is where the fixed footer matters.
    await page.screenshot({ path: shot(`upload-60-files-${size.tag}.png`), fullPage: size.width > 400, animations: "disabled" });
  }
});
