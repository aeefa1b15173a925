import { expect, test } from "@playwright/test";
import { rows } from "./first-day-helpers";

/** "From" after "To" showed a raw validation error above the old list: now it is explained, with the ways out. */

test("an inverted range is explained in plain words, with Swap and Clear, and no stale list", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("batch-list").or(page.getByText("No batches yet."))).toBeVisible();
  await page.getByLabel("To", { exact: true }).fill("2026-03-01");
  await expect(page).toHaveURL(/date_to=2026-03-01/);
  await page.getByLabel("From", { exact: true }).fill("2026-03-10");
  await expect(page).toHaveURL(/date_from=2026-03-10/);

  const note = page.getByRole("alert").filter({ hasText: "is after" });
  await expect(note).toContainText(/“From” \([^)]+\) is after “To” \([^)]+\), so no batch can match\./);
  await expect(page.getByText("date_to is before date_from")).toHaveCount(0);
  await expect(page.getByText(/Could not load batches/)).toHaveCount(0);
  await expect(rows(page)).toHaveCount(0); // the old list is not left standing under the message
  for (const label of ["From", "To"]) {
    await expect(page.getByLabel(label, { exact: true })).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel(label, { exact: true })).toHaveAttribute("aria-describedby", "date-range-problem");
  }

  await note.getByRole("button", { name: "Swap the dates" }).click();
  await expect(page).toHaveURL(/date_from=2026-03-01/);
  await expect(page).toHaveURL(/date_to=2026-03-10/);
  await expect(note).toHaveCount(0);
  await expect(page.getByLabel("From", { exact: true })).not.toHaveAttribute("aria-invalid", "true");

  // A shared link with the range the wrong way round gets the same explanation, and Clear.
  await page.goto("/?date_from=2026-05-02&date_to=2026-05-01");
  await page.getByRole("alert").getByRole("button", { name: "Clear the dates" }).click();
  await expect(page).not.toHaveURL(/date_/);
  await expect(page.getByRole("alert").filter({ hasText: "is after" })).toHaveCount(0);
});
