import { expect, test } from "@playwright/test";
import { readDb } from "./dashboard-fixtures";
import { listSettled, rows, runPrefix, seedIdle } from "./first-day-helpers";

/** "Failed" found nothing while a batch said "completed with 3 failed": failures are a filter of their own. */

const prefix = runPrefix("FDFAIL");
test.beforeAll(() => seedIdle([prefix], 60, 101, ["completed", "failed", "cancelled"]));

test("Has failures finds every batch with a failed job, completed ones included", async ({ page }) => {
  const expected = readDb((db) =>
    db.prepare("SELECT id, status FROM batches WHERE customer_prefix = ? AND failed_jobs > 0 ORDER BY created_at DESC, rowid DESC").all(prefix) as { id: string; status: string }[],
  );
  expect(expected.some((b) => b.status === "completed"), "the seeded data has a completed batch with failures").toBe(true);

  await page.goto(`/?customer_prefix=${prefix}`);
  await listSettled(page, new RegExp(`customer_prefix=${prefix}`));
  const chip = page.getByRole("button", { name: "Has failures" });
  await expect(chip).toHaveAttribute("aria-pressed", "false");
  await chip.click();
  await expect(page).toHaveURL(/has_failures=true/);
  await expect(chip).toHaveAttribute("aria-pressed", "true");
  await listSettled(page, /has_failures=true/);

  const shown = await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-batch-id")));
  expect(shown).toEqual(expected.slice(0, 20).map((b) => b.id));
  await expect(rows(page).filter({ hasText: /completed with \d+ failed/ }).first()).toBeVisible();

  // The chip combines with the status chips: completed batches that still had failures.
  await page.getByRole("group", { name: "Status" }).getByRole("button", { name: "completed", exact: true }).click();
  await listSettled(page, /status=completed.*has_failures=true|has_failures=true.*status=completed/);
  for (const status of await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-status")))) expect(status).toBe("completed");
  await expect(rows(page)).toHaveCount(Math.min(20, expected.filter((b) => b.status === "completed").length));
});

test("the Failures (24 h) card links to the batches with failures", async ({ page }) => {
  await page.goto("/");
  const card = page.getByRole("link", { name: /Failures \(24 h\)/ });
  await expect(card).toBeVisible();
  await card.click();
  await expect(page).toHaveURL(/\/\?has_failures=true$/);
  await expect(page.getByRole("button", { name: "Has failures" })).toHaveAttribute("aria-pressed", "true");
  await listSettled(page, /has_failures=true/);
  const ids = await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-batch-id")));
  const failed = readDb((db) => ids.map((id) => (db.prepare("SELECT failed_jobs FROM batches WHERE id = ?").get(id) as { failed_jobs: number }).failed_jobs));
  for (const n of failed) expect(n).toBeGreaterThan(0);
});
