import { expect, test } from "@playwright/test";

/**
 * Quality 150 gave a developer-worded message, no marked field and an enabled Create. Now: plain
 * words beside the field, aria-invalid and an alert for screen readers, Create disabled until valid.
 */

test("invalid fields are marked in plain words and Create waits until the form is valid", async ({ page }) => {
  await page.goto("/pipelines");
  await page.getByRole("button", { name: "New pipeline" }).click();
  const create = page.getByRole("button", { name: "Create pipeline" });
  await expect(create).toBeDisabled(); // no name yet
  await expect(page.locator("#editor-blocked")).toHaveText("To create the pipeline, fix: Name.");
  await expect(page.getByLabel("Name")).not.toHaveAttribute("aria-invalid", "true"); // untouched is not an error yet

  await page.getByLabel("Name").fill(`Checked ${Math.random().toString(36).slice(2, 7)}`);
  await expect(create).toBeEnabled();

  const quality = page.getByLabel("Quality (1–100)");
  await quality.fill("150");
  await expect(quality).toHaveAttribute("aria-invalid", "true");
  await expect(quality).toHaveAttribute("aria-describedby", /spec-quality-error/);
  const message = page.getByRole("alert").filter({ hasText: "Quality must be a whole number from 1 to 100, or empty." });
  await expect(message).toBeVisible();
  await expect(message).not.toContainText(/too_big|Number must|expected/i);
  await expect(create).toBeDisabled();
  await expect(page.locator("#editor-blocked")).toHaveText("To create the pipeline, fix: Quality.");
  await expect(page.getByText("The preview waits until the marked fields are fixed.")).toBeVisible();

  await page.getByLabel("Max width (px)").fill("0");
  await page.getByLabel("Background colour", { exact: true }).fill("#12");
  await expect(page.locator("#editor-blocked")).toHaveText("To create the pipeline, fix: Quality, Max width, Background colour.");
  await expect(page.getByText("Max width must be a whole number from 1 to 20,000, or empty.")).toBeVisible();
  await expect(page.getByText("Use a colour written like #ffffff")).toBeVisible();

  for (const [label, ok] of [["Quality (1–100)", "80"], ["Max width (px)", "1200"], ["Background colour", "#123456"]] as const) {
    await page.getByLabel(label, { exact: true }).fill(ok);
  }
  await expect(quality).not.toHaveAttribute("aria-invalid", "true");
  await expect(create).toBeEnabled();
  await expect(page.getByTestId("preview-info")).toContainText("WEBP");

  for (const [scheme, width] of [["light", 1440], ["dark", 1440], ["light", 375]] as const) {
    await page.setViewportSize({ width, height: 1000 });
    await page.emulateMedia({ colorScheme: scheme });
    await quality.fill("150");
    await page.getByRole("heading", { name: "New pipeline" }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: test.info().outputPath(`editor-${width}-${scheme}.png`), fullPage: true });
  }
});
