import { expect, request as playwrightRequest, test } from "@playwright/test";

test("health answers with database and queue state", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.db.ok).toBe(true);
  expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  expect(body.queue).toHaveProperty("state");
});

test("health tells an anonymous caller only its status; the rest of the API wants a sign-in", async ({ baseURL }) => {
  const anonymous = await playwrightRequest.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  try {
    const res = await anonymous.get("/api/health");
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ status: expect.stringMatching(/^(ok|degraded)$/) });
    const pipelines = await anonymous.get("/api/pipelines");
    expect(pipelines.status()).toBe(401);
    expect((await pipelines.json()).error.code).toBe("unauthenticated");
  } finally {
    await anonymous.dispose();
  }
});

test("first start creates the default pipelines", async ({ request }) => {
  const res = await request.get("/api/pipelines");
  expect(res.status()).toBe(200);
  const { data } = await res.json();
  const names = data.map((p: { name: string }) => p.name);
  expect(names).toEqual(expect.arrayContaining(["Web JPEG 1600 px", "Thumbnail WebP 400 px", "PNG 24-bit 800 px"]));
  expect(data.filter((p: { is_default: boolean }) => p.is_default)).toHaveLength(1);
});

test("the shell has navigation to every area", async ({ page }) => {
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const name of ["Dashboard", "Upload", "Pipelines", "System"]) {
    await expect(nav.getByRole("link", { name })).toBeVisible();
  }
});
