import { expect, test, type Page } from "@playwright/test";
import { readDb } from "./dashboard-fixtures";
import { batchNames, listSettled, runPrefix, seedIdle } from "./first-day-helpers";

/**
 * Sorting by name, size or progress while grouped by day scattered the day groups. The rule: a
 * grouping shows only under a sort that keeps its groups together (days: a date sort; customers:
 * the name sort); any other sort gives one list in that order, and says so.
 */

const prefix = runPrefix("FDSORT");
const prefixes = [`${prefix}_A`, `${prefix}_B`];
test.beforeAll(() => seedIdle(prefixes, 40, 202));

const headings = (page: Page) => page.getByTestId("batch-list").getByRole("heading", { level: 2 }).allTextContents();
const pressed = (page: Page, name: string) => page.getByRole("group", { name: "Group batches by" }).getByRole("button", { name });

test("a name sort is one list in name order, and says why it is not grouped by day", async ({ page }) => {
  await page.goto(`/?q=${prefix}&sort_by=base_directory_name&sort_order=asc`);
  await listSettled(page, /sort_by=base_directory_name/);
  expect(await headings(page)).toEqual([]);
  await expect(page.getByTestId("ungrouped-note")).toContainText("Sorted by name, so the list is not grouped by day");
  await expect(pressed(page, "By day")).toHaveAttribute("aria-pressed", "false");
  const names = await batchNames(page);
  expect(names).toHaveLength(20);
  expect(names).toEqual([...names].sort());

  for (const sort of ["total_size", "progress"]) {
    await page.getByLabel("Sort by").selectOption(sort);
    await listSettled(page, new RegExp(`sort_by=${sort}`));
    expect(await headings(page)).toEqual([]);
    const order = readDb((db) =>
      (db.prepare(`SELECT base_directory_name AS n FROM batches WHERE customer_prefix IN (?, ?) ORDER BY ${sort === "progress" ? "(completed_jobs + failed_jobs + cancelled_jobs) * 1000 / total_jobs" : sort}, created_at, rowid LIMIT 20`).all(...prefixes) as { n: string }[]).map((r) => r.n),
    );
    expect(await batchNames(page)).toEqual(order);
  }
});

test("grouping by day puts a date sort back, and every day appears once, newest first", async ({ page }) => {
  await page.goto(`/?q=${prefix}&sort_by=total_size&sort_order=asc`);
  await listSettled(page, /sort_by=total_size/);
  await page.getByRole("button", { name: "Sort by date and group by day" }).click();
  await listSettled(page, /sort_by=created_at&sort_order=desc/);
  await expect(pressed(page, "By day")).toHaveAttribute("aria-pressed", "true");
  const days = await headings(page);
  expect(days.length).toBeGreaterThan(1);
  const labels = days.map((d) => d.replace(/ · \d+$/, ""));
  expect(new Set(labels).size).toBe(labels.length);
  const expected = readDb((db) =>
    (db.prepare("SELECT base_directory_name AS n FROM batches WHERE customer_prefix IN (?, ?) ORDER BY created_at DESC, rowid DESC LIMIT 20").all(...prefixes) as { n: string }[]).map((r) => r.n),
  );
  expect(await batchNames(page)).toEqual(expected);
});

test("grouping by customer sorts by name, one heading per customer; another sort turns it off", async ({ page }) => {
  await page.goto(`/?q=${prefix}`);
  await listSettled(page, new RegExp(`q=${prefix}`));
  await pressed(page, "By customer").click();
  await listSettled(page, /sort_by=base_directory_name&sort_order=asc/);
  await expect(page).toHaveURL(/group=customer/);
  await expect(pressed(page, "By customer")).toHaveAttribute("aria-pressed", "true");
  const groups = (await headings(page)).map((h) => h.replace(/ · \d+$/, ""));
  expect(groups.length).toBeGreaterThan(0);
  expect(new Set(groups).size).toBe(groups.length);
  for (const g of groups) expect(prefixes).toContain(g);
  const names = await batchNames(page);
  expect(names).toEqual([...names].sort());

  await page.getByLabel("Sort by").selectOption("total_files");
  await listSettled(page, /sort_by=total_files/);
  expect(await headings(page)).toEqual([]);
  await expect(page.getByTestId("ungrouped-note")).toContainText("not grouped by customer");
});
