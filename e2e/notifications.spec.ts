import { expect, test } from "@playwright/test";
import { uploadBatch, waitForBatch } from "./dashboard-fixtures";

/** Opt-in browser notifications for one's own batches, and the finished marker in the tab title. */

test("a batch I started notifies me when it finishes, and the tab titles mark it done", async ({ browser, baseURL, request }) => {
  const context = await browser.newContext({ baseURL, storageState: test.info().project.use.storageState, permissions: ["notifications"] });
  // Headless browsers show nothing: record what the page asks to show.
  await context.addInitScript(() => {
    const shown: { title: string; body?: string; tag?: string }[] = [];
    (window as unknown as { __notifications: typeof shown }).__notifications = shown;
    class Recorded {
      static permission = "granted";
      static requestPermission = async () => "granted";
      onclick: (() => void) | null = null;
      constructor(title: string, options: { body?: string; tag?: string } = {}) {
        shown.push({ title, ...options });
      }
    }
    (window as unknown as { Notification: unknown }).Notification = Recorded;
  });
  const page = await context.newPage();
  const prefix = `NOTE${Date.now().toString(36).toUpperCase()}`;
  await page.goto(`/?customer_prefix=${prefix}`);
  const toggle = page.getByRole("button", { name: "Notify me" });
  await toggle.click();
  await expect(page.getByRole("button", { name: "🔔 Notifying me" })).toHaveAttribute("aria-pressed", "true");

  // Held paused until the dashboard shows it, so the tab sees the work run and then end.
  const batch = await uploadBatch(request, { files: 6, prefix, size: 600, pipelines: 2 });
  await request.post(`/api/batches/${batch.id}/pause`);
  await expect(page.locator(`[data-batch-id="${batch.id}"]`)).toBeVisible();
  await request.post(`/api/batches/${batch.id}/resume`);
  await waitForBatch(request, batch.id, (b) => b.status === "completed");
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __notifications: { title: string; tag?: string; body?: string }[] }).__notifications))
    .toContainEqual(expect.objectContaining({ title: "Batch finished", tag: `batch-${batch.id}`, body: expect.stringContaining("12 done") }));
  await expect(page).toHaveTitle("✓ Done · Batchyard");

  await page.goto(`/batches/${batch.id}`);
  await expect(page).toHaveTitle(/^✓ .+_batch-\d+ · Batchyard$/);
  // The choice is kept in this browser.
  await page.goto("/");
  await expect(page.getByRole("button", { name: "🔔 Notifying me" })).toBeVisible();
  await context.close();
});
