import { expect, test, type Browser, type Page } from "@playwright/test";
import { truncatedJpeg, uploadBatch, waitForBatch } from "./dashboard-fixtures";
import { listSettled, runPrefix, seedIdle } from "./first-day-helpers";

/**
 * Screenshots for docs/screenshots/: /system with its history charts, the Failures view and a bulk
 * selection on the dashboard, each light and dark at 1440 px and light at 375 px.
 */

const SHOTS = [
  { colorScheme: "light", width: 1440 },
  { colorScheme: "dark", width: 1440 },
  { colorScheme: "light", width: 375 },
] as const;

let prefix = "";
test.beforeAll(async ({ request }) => {
  prefix = runPrefix("SHOTS");
  seedIdle([prefix], 8, 188, ["completed", "failed", "paused"]);
  const flawed = await uploadBatch(request, { files: 4, prefix: `${prefix}X`, broken: await truncatedJpeg() });
  await waitForBatch(request, flawed.id, (b) => b.status === "completed");
});

async function shoot(browser: Browser, name: string, prepare: (page: Page) => Promise<void>) {
  for (const { colorScheme, width } of SHOTS) {
    const context = await browser.newContext({ colorScheme, viewport: { width, height: 900 }, storageState: test.info().project.use.storageState });
    const page = await context.newPage();
    await prepare(page);
    // Ticking rows scrolls the page; the bulk bar sticks to the top of the window, so shoot from the top.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `docs/screenshots/${name}-${width}-${colorScheme}.png`, fullPage: true });
    await context.close();
  }
}

test("system page with history charts", async ({ browser }) => {
  await shoot(browser, "system-charts", async (page) => {
    await page.goto("/system");
    await expect(page.getByTestId("history-chart")).toHaveCount(3);
    await expect(page.locator(".recharts-bar-rectangle").first()).toBeVisible();
  });
});

test("failures view", async ({ browser }) => {
  await shoot(browser, "failures", async (page) => {
    await page.goto("/failures");
    await expect(page.getByTestId("failure-group").first()).toBeVisible();
  });
});

test("bulk selection on the dashboard", async ({ browser }) => {
  await shoot(browser, "bulk-selection", async (page) => {
    await page.goto(`/?customer_prefix=${prefix}`);
    await listSettled(page, new RegExp(`customer_prefix=${prefix}`));
    await expect(page.getByTestId("batch-list")).toHaveAttribute("data-live", "true");
    await expect(async () => {
      for (const box of (await page.getByTestId("batch-row").getByRole("checkbox").all()).slice(0, 3)) await box.check();
      await expect(page.getByTestId("bulk-count")).toHaveText("3 selected", { timeout: 1_000 });
    }).toPass();
  });
});
