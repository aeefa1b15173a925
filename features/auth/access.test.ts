import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as batchRoute from "@/app/api/batches/route";
import * as batchItemRoute from "@/app/api/batches/[id]/route";
import * as pauseRoute from "@/app/api/batches/[id]/pause/route";
import * as cleanupRoute from "@/app/api/maintenance/cleanup/route";
import * as pipelineItemRoute from "@/app/api/pipelines/[id]/route";
import * as pipelinesRoute from "@/app/api/pipelines/route";
import * as healthRoute from "@/app/api/health/route";
import * as metricsRoute from "@/app/api/metrics/route";
import * as loginRoute from "@/app/api/auth/login/route";
import * as meRoute from "@/app/api/auth/me/route";
import * as setupRoute from "@/app/api/setup/route";
import * as tokensRoute from "@/app/api/tokens/route";
import * as tokenItemRoute from "@/app/api/tokens/[id]/route";
import * as userItemRoute from "@/app/api/users/[id]/route";
import { ensureDefaultPipelines } from "@/features/pipelines/queries";
import { DEFAULT_PIPELINES } from "@/features/pipelines/schemas";
import { createTestContext, type TestContext } from "@/test/fixtures";
import { prepareFirstRun } from "./setup";
import { createUser } from "./users";

/**
 * The access rules as a client meets them: real route handlers (the same modules `next start`
 * serves) on a real database, called with the requests a browser, a script or an attacker sends.
 */
const ORIGIN = "http://127.0.0.1:3000";
const holder = globalThis as unknown as { __batchyardContext?: TestContext; __batchyardSetupCode?: string };
let ctx: TestContext;

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface Call {
  method?: string;
  headers?: Record<string, string>;
  body?: BodyInit;
  json?: unknown;
  params?: Record<string, string>;
  peer?: string;
}

function call(handler: unknown, path: string, options: Call = {}): Promise<Response> {
  const headers: Record<string, string> = { host: "127.0.0.1:3000", "x-batchyard-peer": options.peer ?? "127.0.0.1", ...options.headers };
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["content-type"] ??= "application/json";
  }
  const request = new Request(`${ORIGIN}${path}`, { method: options.method ?? (body ? "POST" : "GET"), headers, body });
  return (handler as Handler)(request, { params: Promise.resolve(options.params ?? {}) });
}

async function signIn(email: string, password: string): Promise<string> {
  const response = await call(loginRoute.POST, "/api/auth/login", { json: { email, password } });
  expect(response.status).toBe(200);
  return response.headers.get("set-cookie")!.split(";")[0]!;
}

async function upload(auth: Record<string, string>): Promise<Response> {
  const form = new FormData();
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#c33" } }).png().toBuffer();
  form.append("files", new Blob([new Uint8Array(png)]), "a.png");
  return call(batchRoute.POST, "/api/batches", { method: "POST", body: form, headers: auth });
}

const countRows = (table: string) => (ctx.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

beforeEach(() => {
  ctx = createTestContext({ UPLOAD_RATE_LIMIT: "3/hour" });
  holder.__batchyardContext = ctx;
  ensureDefaultPipelines(ctx.db, DEFAULT_PIPELINES, ctx.clock.now());
});
afterEach(() => {
  holder.__batchyardContext = undefined;
  holder.__batchyardSetupCode = undefined;
  ctx.cleanup();
});

describe("first run", () => {
  it("lets a loopback client create the first admin, once", async () => {
    expect(await (await call(setupRoute.GET, "/api/setup")).json()).toEqual({ needed: true, local: true });
    const created = await call(setupRoute.POST, "/api/setup", { json: { email: "Owner@Studio.test", password: "long-enough-1" } });
    expect(created.status).toBe(201);
    expect(created.headers.get("set-cookie")).toMatch(/^batchyard_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
    const me = await call(meRoute.GET, "/api/auth/me", { headers: { cookie: created.headers.get("set-cookie")!.split(";")[0]! } });
    expect((await me.json()).user).toMatchObject({ email: "owner@studio.test", role: "admin" });
    const again = await call(setupRoute.POST, "/api/setup", { json: { email: "second@studio.test", password: "long-enough-2" } });
    expect(again.status).toBe(409);
    expect(countRows("users")).toBe(1);
  });

  it("refuses a LAN client without the code printed at start, and accepts it with the code", async () => {
    await prepareFirstRun(ctx, ORIGIN);
    const code = holder.__batchyardSetupCode!;
    expect(code).toMatch(/^[0-9A-F]{12}$/);
    const lan = { peer: "192.168.1.20", headers: { "x-forwarded-for": "127.0.0.1" } };
    expect(await (await call(setupRoute.GET, "/api/setup", lan)).json()).toEqual({ needed: true, local: false });
    const refused = await call(setupRoute.POST, "/api/setup", { ...lan, json: { email: "a@studio.test", password: "long-enough-1", code: "WRONG" } });
    expect(refused.status).toBe(403);
    expect(countRows("users")).toBe(0);
    const accepted = await call(setupRoute.POST, "/api/setup", { ...lan, json: { email: "a@studio.test", password: "long-enough-1", code: code.toLowerCase() } });
    expect(accepted.status).toBe(201);
  });

  it("creates the ADMIN_EMAIL admin at start when nobody exists, and ignores it afterwards", async () => {
    const configured = { ...ctx, config: { ...ctx.config, ADMIN_EMAIL: "ops@studio.test", ADMIN_PASSWORD: "from-the-env-1" } };
    await prepareFirstRun(configured, ORIGIN);
    await prepareFirstRun({ ...configured, config: { ...configured.config, ADMIN_EMAIL: "other@studio.test" } }, ORIGIN);
    expect(ctx.db.$client.prepare("SELECT email, role FROM users").all()).toEqual([{ email: "ops@studio.test", role: "admin" }]);
    await signIn("ops@studio.test", "from-the-env-1");
  });
});

describe("sessions and tokens", () => {
  beforeEach(async () => {
    await createUser(ctx, { email: "admin@studio.test", role: "admin", password: "admin-password" });
    await createUser(ctx, { email: "member@studio.test", role: "member", password: "member-password" });
  });

  it("answers a wrong email and a wrong password alike, and throttles after 10 failures", async () => {
    const wrongPassword = await call(loginRoute.POST, "/api/auth/login", { json: { email: "member@studio.test", password: "nope" } });
    const wrongEmail = await call(loginRoute.POST, "/api/auth/login", { json: { email: "ghost@studio.test", password: "nope" } });
    expect([wrongPassword.status, wrongEmail.status]).toEqual([401, 401]);
    expect(await wrongPassword.json()).toEqual(await wrongEmail.json());
    for (let i = 0; i < 8; i++) await call(loginRoute.POST, "/api/auth/login", { json: { email: "member@studio.test", password: "nope" } });
    const throttled = await call(loginRoute.POST, "/api/auth/login", { json: { email: "member@studio.test", password: "member-password" } });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("keeps anonymous callers out of everything but health, which says only its status", async () => {
    expect((await call(batchRoute.GET, "/api/batches")).status).toBe(401);
    expect((await call(metricsRoute.GET, "/api/metrics")).status).toBe(401);
    const health = await call(healthRoute.GET, "/api/health");
    expect(Object.keys(await health.json())).toEqual(["status"]);
  });

  it("gives tokens their scope and never more than the owner's role; revoked tokens and disabled users stop at once", async () => {
    const admin = { cookie: await signIn("admin@studio.test", "admin-password") };
    const member = { cookie: await signIn("member@studio.test", "member-password") };
    const tooHigh = await call(tokensRoute.POST, "/api/tokens", { headers: member, json: { name: "ci", scope: "admin" } });
    expect(tooHigh.status).toBe(403);
    const read = (await (await call(tokensRoute.POST, "/api/tokens", { headers: member, json: { name: "ro", scope: "read" } })).json()) as { token: string; id: string };
    const write = (await (await call(tokensRoute.POST, "/api/tokens", { headers: member, json: { name: "rw", scope: "write" } })).json()) as { token: string; id: string };
    expect(read.token).toMatch(/^byd_[a-z0-9]{10}_/);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    expect((await call(batchRoute.GET, "/api/batches", { headers: bearer(read.token) })).status).toBe(200);
    expect((await upload(bearer(read.token))).status).toBe(403);
    expect((await upload(bearer(write.token))).status).toBe(201);
    // A bearer request carries nothing ambient, so browser-looking headers do not matter.
    expect((await upload({ ...bearer(write.token), origin: "http://evil.example", "sec-fetch-site": "cross-site" })).status).toBe(201);
    expect((await call(tokenItemRoute.DELETE, `/api/tokens/${read.id}`, { method: "DELETE", headers: member, params: { id: read.id } })).status).toBe(204);
    expect((await call(batchRoute.GET, "/api/batches", { headers: bearer(read.token) })).status).toBe(401);
    const expiring = (await (await call(tokensRoute.POST, "/api/tokens", {
      headers: member,
      json: { name: "short", scope: "read", expires_at: new Date(ctx.clock.now() + 60_000).toISOString() },
    })).json()) as { token: string };
    ctx.clock.advance(61_000);
    expect((await call(batchRoute.GET, "/api/batches", { headers: bearer(expiring.token) })).status).toBe(401);
    const memberId = ((await (await call(meRoute.GET, "/api/auth/me", { headers: member })).json()) as { user: { id: string } }).user.id;
    const disabled = await call(userItemRoute.PATCH, `/api/users/${memberId}`, { method: "PATCH", headers: admin, json: { disabled: true }, params: { id: memberId } });
    expect(disabled.status).toBe(200);
    expect((await call(batchRoute.GET, "/api/batches", { headers: bearer(write.token) })).status).toBe(401);
    expect((await call(batchRoute.GET, "/api/batches", { headers: member })).status).toBe(401);
  });

  it("lets members control only their own batches and nothing admin-only", async () => {
    const admin = { cookie: await signIn("admin@studio.test", "admin-password") };
    const member = { cookie: await signIn("member@studio.test", "member-password") };
    const adminsBatch = (await (await upload(admin)).json()) as { id: string };
    const membersBatch = (await (await upload(member)).json()) as { id: string; owner_id: string };
    const pause = (headers: Record<string, string>, id: string) => call(pauseRoute.POST, `/api/batches/${id}/pause`, { method: "POST", headers, params: { id } });
    const refused = await pause(member, adminsBatch.id);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe("forbidden");
    expect((await call(batchItemRoute.DELETE, `/api/batches/${adminsBatch.id}`, { method: "DELETE", headers: member, params: { id: adminsBatch.id } })).status).toBe(403);
    expect((await pause(member, membersBatch.id)).status).toBe(200);
    expect((await pause(admin, adminsBatch.id)).status).toBe(200);
    const pipelineId = (ctx.db.$client.prepare("SELECT id FROM pipelines LIMIT 1").get() as { id: string }).id;
    const edit = await call(pipelineItemRoute.PATCH, `/api/pipelines/${pipelineId}`, { method: "PATCH", headers: member, json: { quality: 50 }, params: { id: pipelineId } });
    expect(edit.status).toBe(403);
    expect((await call(pipelinesRoute.GET, "/api/pipelines", { headers: member })).status).toBe(200);
    const cleanup = await call(cleanupRoute.POST, "/api/maintenance/cleanup", { headers: member, json: { days_old: 0 } });
    expect(cleanup.status).toBe(403);
    const mine = (await (await call(batchRoute.GET, "/api/batches?owner=me", { headers: member })).json()) as { data: { id: string; owner_email: string }[] };
    expect(mine.data.map((b) => [b.id, b.owner_email])).toEqual([[membersBatch.id, "member@studio.test"]]);
    expect(ctx.db.$client.prepare("SELECT status FROM batches WHERE id = ?").get(adminsBatch.id)).toEqual({ status: "paused" });
  });
});

describe("cross-site and rebinding defences", () => {
  let admin: { cookie: string };
  beforeEach(async () => {
    await createUser(ctx, { email: "admin@studio.test", role: "admin", password: "admin-password" });
    admin = { cookie: await signIn("admin@studio.test", "admin-password") };
    // A finished batch that a days_old: 0 cleanup would delete.
    await upload(admin);
    ctx.db.$client.prepare("UPDATE batches SET status = 'completed', completed_at = 0").run();
  });

  it.each([
    ["a foreign Origin", { origin: "http://evil.example" }],
    ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site", origin: "http://evil.example" }],
    ["Sec-Fetch-Site: same-site", { "sec-fetch-site": "same-site" }],
  ])("refuses a cookie-authenticated state change with %s and changes nothing", async (_name, headers) => {
    const response = await call(cleanupRoute.POST, "/api/maintenance/cleanup", { headers: { ...admin, ...headers }, json: { days_old: 0 } });
    expect(response.status).toBe(403);
    expect(countRows("batches")).toBe(1);
  });

  it("refuses a text/plain body holding JSON (a cross-site form's only way to send it) and changes nothing", async () => {
    const response = await call(cleanupRoute.POST, "/api/maintenance/cleanup", {
      headers: { ...admin, "content-type": "text/plain" },
      body: '{"days_old": 0}',
    });
    expect(response.status).toBe(415);
    expect(countRows("batches")).toBe(1);
  });

  it("answers a foreign Host 421 before anything else, and the page's own same-origin request works", async () => {
    const misdirected = await call(batchRoute.GET, "/api/batches", { headers: { ...admin, host: "rebound.evil.example:3000" } });
    expect(misdirected.status).toBe(421);
    expect((await misdirected.json()).error.code).toBe("misdirected");
    const sameOrigin = await call(cleanupRoute.POST, "/api/maintenance/cleanup", {
      headers: { ...admin, origin: ORIGIN, "sec-fetch-site": "same-origin" },
      json: { days_old: 0 },
    });
    expect(sameOrigin.status).toBe(200);
    expect(countRows("batches")).toBe(0);
  });

  it("caps JSON bodies", async () => {
    const response = await call(cleanupRoute.POST, "/api/maintenance/cleanup", { headers: admin, json: { days_old: 0, pad: "x".repeat(64 * 1024) } });
    expect(response.status).toBe(413);
    expect(countRows("batches")).toBe(1);
  });
});
