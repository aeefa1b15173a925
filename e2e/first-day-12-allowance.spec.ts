import sharp from "sharp";
import { expect, test } from "@playwright/test";
import { signIn } from "./auth";

/**
 * The upload allowance locked a first-day user out after three batches without warning. The upload
 * page says the allowance before it runs out; the first admin has no limit and is told so.
 */

test("the first admin is not limited, and the page says so", async ({ page, request }) => {
  expect(await (await request.get("/api/limits")).json()).toMatchObject({ limit: null, remaining: null });
  await page.goto("/upload");
  await expect(page.getByTestId("rate-limit")).toHaveText("No upload limit for your account.");
});

test("a member sees the allowance count down, a warning before the last upload, then the limit", async ({ browser, request, baseURL }) => {
  const who = { email: `allowance-${Date.now()}@example.test`, password: "allowance-member-password" };
  const created = await request.post("/api/users", { data: { ...who, role: "member", upload_allowance: "3/hour" } });
  expect(created.status(), await created.text()).toBe(201);
  const cookie = await signIn(baseURL!, who);
  const [name, value] = [cookie.slice(0, cookie.indexOf("=")), cookie.slice(cookie.indexOf("=") + 1)];
  const context = await browser.newContext({ storageState: { cookies: [{ name, value, domain: "127.0.0.1", path: "/", expires: -1, httpOnly: true, secure: false, sameSite: "Lax" }], origins: [] } });
  const page = await context.newPage();
  const image = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#0ea5e9" } }).png().toBuffer();
  const upload = () => context.request.post("/api/batches", { multipart: { files: { name: "FDALLOW_a.png", mimeType: "image/png", buffer: image } } });
  try {
    await page.goto("/upload");
    const note = page.getByTestId("rate-limit");
    await expect(note).toHaveText("3 of 3 uploads left this hour.");

    expect((await upload()).status()).toBe(201);
    await page.reload();
    await expect(note).toHaveText(/^2 of 3 uploads left this hour · one more frees up at .+\.$/);

    expect((await upload()).status()).toBe(201);
    await page.reload();
    // Said before the third upload, not after it: the last one is announced as the last.
    await expect(note).toHaveText(/^1 of 3 uploads left this hour: after it, the next is possible at .+\.$/);
    await expect(note).toHaveAttribute("role", "status");

    expect((await upload()).status()).toBe(201);
    await page.reload();
    await expect(note).toContainText("Upload limit reached: 3 uploads this hour.");
    await page.getByLabel("Choose image files").setInputFiles([{ name: "FDALLOW_b.png", mimeType: "image/png", buffer: image }]);
    await expect(page.getByRole("button", { name: "Upload 1 file" })).toBeDisabled();
    await expect(page.getByText("The upload limit is reached.")).toBeVisible();
    await page.screenshot({ path: test.info().outputPath("allowance.png"), fullPage: true });
  } finally {
    await context.close();
  }
});
