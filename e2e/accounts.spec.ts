import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { TEST_ADMIN } from "./auth";

/** The account pages: sign in and out, API tokens on /account, and the admin's /users page. */

const suffix = () => Math.random().toString(36).slice(2, 8);
const SIGNED_OUT = { cookies: [], origins: [] };

/** Fills and sends the sign-in form of the page the browser is on. */
async function signInWithForm(page: Page, who: { email: string; password: string }) {
  await page.getByLabel("Email", { exact: true }).fill(who.email);
  await page.getByLabel("Password", { exact: true }).fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** A member made through the API (as the suite's admin), with a password chosen here. */
async function addMember(request: APIRequestContext) {
  const member = { email: `e2e-member-${suffix()}@example.test`, password: `member-${suffix()}-password` };
  const response = await request.post("/api/users", { data: { ...member, role: "member" } });
  expect(response.status()).toBe(201);
  return member;
}

test.describe("signed out", () => {
  test.use({ storageState: SIGNED_OUT });

  test("a wrong password is refused in plain words; the right one lands on the page asked for", async ({ page }) => {
    await page.goto("/system");
    await expect(page).toHaveURL(/\/login\?next=%2Fsystem$/);
    await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);

    await signInWithForm(page, { email: TEST_ADMIN.email, password: "not-the-password" });
    await expect(page.getByTestId("login-error")).toHaveText("The email or password is not right.");
    await expect(page).toHaveURL(/\/login\?next=%2Fsystem$/);
    await expect(page.getByLabel("Password", { exact: true })).toBeFocused();

    await signInWithForm(page, TEST_ADMIN);
    await expect(page).toHaveURL(/\/system$/);
    await expect(page.getByRole("heading", { level: 1, name: "System" })).toBeVisible();
    await expect(page.getByTestId("signed-in-as")).toContainText(TEST_ADMIN.email);
  });

  test("signing out ends the session: the pages ask to sign in again", async ({ page }) => {
    await page.goto("/login");
    await signInWithForm(page, TEST_ADMIN);
    await expect(page.getByRole("heading", { level: 1, name: "Batches" })).toBeVisible();

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByTestId("signed-in-as")).toHaveCount(0);
    await page.goto("/upload");
    await expect(page).toHaveURL(/\/login\?next=%2Fupload$/);
  });

  test("setup is closed once an admin exists", async ({ page }) => {
    await page.goto("/setup");
    await expect(page).toHaveURL(/\/login$/);
  });
});

test("the account page creates a token, shows it once, and revokes it", async ({ page, playwright, baseURL }) => {
  const name = `E2E token ${suffix()}`;
  const api = await playwright.request.newContext({ baseURL });
  const me = (token: string) => api.get("/api/auth/me", { headers: { Authorization: `Bearer ${token}` } });

  await page.goto("/account");
  await expect(page.getByTestId("account-email")).toHaveText(TEST_ADMIN.email);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Scope", { exact: true }).selectOption("read");
  await page.getByRole("button", { name: "Create token" }).click();

  const shown = page.getByLabel(`Your new token “${name}”`);
  await expect(shown).toHaveValue(/^byd_[a-z0-9]{10}_\S+$/);
  await expect(shown).toHaveAttribute("readonly", "");
  await expect(page.getByTestId("new-token")).toContainText("it will not be shown again");
  const token = await shown.inputValue();
  const item = page.getByRole("list", { name: "API tokens" }).getByRole("listitem").filter({ hasText: name });
  await expect(item).toContainText(token.slice(0, "byd_".length + 10));
  await expect(item).toContainText("read");
  expect((await me(token)).status()).toBe(200);

  // Shown once: after a reload the list still names it, but the secret is nowhere on the page.
  await page.reload();
  await expect(item).toBeVisible();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  expect(await page.content()).not.toContain(token);

  await item.getByRole("button", { name: `Revoke ${name}` }).click();
  await page.getByRole("dialog", { name: `Revoke “${name}”?` }).getByRole("button", { name: "Revoke token" }).click();
  await expect(item).toHaveCount(0);
  expect((await me(token)).status()).toBe(401);
  await api.dispose();
});

test("the users page adds a member, sets their allowance and disables them", async ({ page, playwright, baseURL }) => {
  const email = `e2e-added-${suffix()}@example.test`;
  await page.goto("/users");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("member");
  await page.getByRole("button", { name: "Add user" }).click();

  const generated = page.getByLabel(`Password for ${email}`);
  await expect(generated).toHaveValue(/^\S{8,}$/);
  const password = await generated.inputValue();
  const row = page.getByTestId("user-row").filter({ hasText: email });
  await expect(row).toContainText("member");
  await expect(row).toContainText("Active");
  await expect(row).toContainText(/default \(\d+\/hour\)/);

  // The generated password works.
  const theirs = await playwright.request.newContext({ baseURL });
  expect((await theirs.post("/api/auth/login", { data: { email, password } })).status()).toBe(200);

  await row.getByRole("button", { name: `Edit ${email}` }).click();
  const dialog = page.getByRole("dialog", { name: `Edit ${email}` });
  await dialog.getByLabel("Kind of allowance").selectOption("custom");
  await dialog.getByLabel("Uploads").fill("0");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByRole("alert")).toContainText("whole number");
  await dialog.getByLabel("Uploads").fill("5");
  await dialog.getByLabel("per").selectOption("day");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText("5/day");

  await row.getByRole("button", { name: `Disable ${email}` }).click();
  const confirm = page.getByRole("dialog", { name: `Disable ${email}?` });
  await expect(confirm).toContainText("signed out at once");
  await confirm.getByRole("button", { name: "Disable user" }).click();
  await expect(row).toContainText("Disabled");
  await expect(row.getByRole("button", { name: `Enable ${email}` })).toBeVisible();
  // Their session ended with it.
  expect((await theirs.get("/api/auth/me")).status()).toBe(401);
  await theirs.dispose();
});

test("a member is offered no admin controls", async ({ browser, request, baseURL }) => {
  const member = await addMember(request);
  const context = await browser.newContext({ baseURL, storageState: SIGNED_OUT });
  const page = await context.newPage();
  await page.goto("/login?next=%2Fpipelines");
  await signInWithForm(page, member);
  await expect(page).toHaveURL(/\/pipelines$/);

  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Pipelines" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(0);
  await expect(page.getByText("Only admins can change pipelines.").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "New pipeline" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^(Edit|Delete) / })).toHaveCount(0);

  await page.goto("/system");
  await expect(page.getByText("Only admins can run cleanup or recover jobs.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Run cleanup now" })).toHaveCount(0);

  await page.goto("/users");
  await expect(page.getByText("Only admins can manage users.")).toBeVisible();

  await page.goto("/account");
  await expect(page.getByLabel("Scope", { exact: true }).locator("option")).toHaveText([/^read/, /^write/]);
  await context.close();
});
