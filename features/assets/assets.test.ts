import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as assetsRoute from "@/app/api/assets/route";
import * as assetItemRoute from "@/app/api/assets/[id]/route";
import * as assetImageRoute from "@/app/api/assets/[id]/image/route";
import * as loginRoute from "@/app/api/auth/login/route";
import * as pipelinesRoute from "@/app/api/pipelines/route";
import { createUser } from "@/features/auth/users";
import { createTestContext, type TestContext } from "@/test/fixtures";

/** Watermark assets through the real route handlers, as the pipeline editor and scripts call them. */
const ORIGIN = "http://127.0.0.1:3000";
const holder = globalThis as unknown as { __batchyardContext?: TestContext };
let ctx: TestContext;
let admin: Record<string, string>;
let member: Record<string, string>;

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

function call(handler: unknown, url: string, init: { method?: string; headers?: Record<string, string>; body?: BodyInit; params?: Record<string, string> } = {}) {
  const headers = { host: "127.0.0.1:3000", "x-batchyard-peer": "127.0.0.1", ...init.headers };
  const request = new Request(`${ORIGIN}${url}`, { method: init.method ?? (init.body ? "POST" : "GET"), headers, body: init.body });
  return (handler as Handler)(request, { params: Promise.resolve(init.params ?? {}) });
}

async function signIn(email: string, password: string) {
  const res = await call(loginRoute.POST, "/api/auth/login", { body: JSON.stringify({ email, password }), headers: { "content-type": "application/json" } });
  return { cookie: res.headers.get("set-cookie")!.split(";")[0]! };
}

const logo = (alpha = true, format: "png" | "webp" = "png") =>
  sharp({ create: { width: 120, height: 40, channels: alpha ? 4 : 3, background: alpha ? { r: 20, g: 40, b: 200, alpha: 0.8 } : "#1428c8" } })
    .toFormat(format)
    .toBuffer();

function upload(auth: Record<string, string>, data: Buffer, name = "logo.png") {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(data)]), name);
  return call(assetsRoute.POST, "/api/assets", { body: form, headers: auth });
}

function createPipeline(auth: Record<string, string>, body: object) {
  return call(pipelinesRoute.POST, "/api/pipelines", { body: JSON.stringify(body), headers: { ...auth, "content-type": "application/json" } });
}

beforeEach(async () => {
  ctx = createTestContext();
  holder.__batchyardContext = ctx;
  await createUser(ctx, { email: "admin@studio.test", role: "admin", password: "admin-password" });
  await createUser(ctx, { email: "member@studio.test", role: "member", password: "member-password" });
  admin = await signIn("admin@studio.test", "admin-password");
  member = await signIn("member@studio.test", "member-password");
});
afterEach(() => {
  holder.__batchyardContext = undefined;
  ctx.cleanup();
});

describe("POST /api/assets", () => {
  it("stores a PNG with alpha once by content and answers it; the same bytes again answer the same asset", async () => {
    const data = await logo();
    const created = await upload(admin, data, "ACME logo\u202e.png");
    expect(created.status).toBe(201);
    const asset = await created.json();
    expect(asset).toMatchObject({ name: "ACME logo.png", mime: "image/png", width: 120, height: 40, size: data.length, image_url: `/api/assets/${asset.id}/image` });
    expect(fs.readFileSync(path.join(ctx.paths.assets, asset.sha256))).toEqual(data);
    const again = await upload(admin, data, "other.png");
    expect(again.status).toBe(200);
    expect((await again.json()).id).toBe(asset.id);
    expect(fs.readdirSync(ctx.paths.assets).filter((f) => !f.startsWith("."))).toHaveLength(1);
    const image = await call(assetImageRoute.GET, asset.image_url, { headers: member, params: { id: asset.id } });
    expect([image.status, image.headers.get("content-type"), image.headers.get("x-content-type-options")]).toEqual([200, "image/png", "nosniff"]);
    expect(Buffer.from(await image.arrayBuffer())).toEqual(data);
  });

  it("takes WebP with alpha", async () => {
    expect((await upload(admin, await logo(true, "webp"), "logo.webp")).status).toBe(201);
  });

  it.each([
    ["a JPEG", 415, "unsupported_media_type", async () => sharp({ create: { width: 8, height: 8, channels: 3, background: "#fff" } }).jpeg().toBuffer()],
    ["an SVG", 415, "unsupported_media_type", async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ["a PNG without alpha", 400, "validation_failed", () => logo(false)],
    ["an empty file", 400, "bad_request", async () => Buffer.alloc(0)],
    ["a cut-off PNG", 422, "unreadable_image", async () => (await logo()).subarray(0, 60)],
    ["a file over 10 MB", 413, "file_too_large", async () => Buffer.alloc(10 * 1024 * 1024 + 1, 1)],
  ] as const)("refuses %s (%i %s) and stores nothing", async (_what, status, code, make) => {
    const res = await upload(admin, await make());
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toBe(code);
    expect(fs.readdirSync(ctx.paths.assets)).toEqual([]);
  });

  it("is for admins; members may list and view", async () => {
    expect((await upload(member, await logo())).status).toBe(403);
    const asset = await (await upload(admin, await logo())).json();
    const list = await call(assetsRoute.GET, "/api/assets", { headers: member });
    expect((await list.json()).data.map((a: { id: string }) => a.id)).toEqual([asset.id]);
    expect((await call(assetItemRoute.DELETE, `/api/assets/${asset.id}`, { method: "DELETE", headers: member, params: { id: asset.id } })).status).toBe(403);
  });
});

describe("DELETE /api/assets/:id", () => {
  it("removes an unused asset and its file", async () => {
    const asset = await (await upload(admin, await logo())).json();
    const res = await call(assetItemRoute.DELETE, `/api/assets/${asset.id}`, { method: "DELETE", headers: admin, params: { id: asset.id } });
    expect(await res.json()).toEqual({ outcome: "deleted", id: asset.id });
    expect(fs.existsSync(path.join(ctx.paths.assets, asset.sha256))).toBe(false);
    expect((await call(assetItemRoute.GET, `/api/assets/${asset.id}`, { headers: admin, params: { id: asset.id } })).status).toBe(404);
  });

  it("archives an asset a pipeline uses: the file stays, new pipelines cannot pick it, uploading it again revives it", async () => {
    const asset = await (await upload(admin, await logo())).json();
    const made = await createPipeline(admin, { name: "Marked", format: "webp", watermark: { asset_id: asset.id } });
    expect(made.status).toBe(201);
    expect((await made.json()).watermark).toEqual({ asset_id: asset.id, gravity: "southeast", width_pct: 20, opacity: 0.7, margin_pct: 3 });
    const res = await call(assetItemRoute.DELETE, `/api/assets/${asset.id}`, { method: "DELETE", headers: admin, params: { id: asset.id } });
    const body = await res.json();
    expect(body.outcome).toBe("archived");
    expect(body.asset.archived_at).not.toBeNull();
    expect(fs.existsSync(path.join(ctx.paths.assets, asset.sha256))).toBe(true);
    expect((await (await call(assetsRoute.GET, "/api/assets", { headers: admin })).json()).data).toEqual([]);
    const refused = await createPipeline(admin, { name: "Marked 2", format: "webp", watermark: { asset_id: asset.id } });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.details.fields[0].field).toBe("watermark.asset_id");
    expect((await upload(admin, await logo())).status).toBe(200);
    expect((await createPipeline(admin, { name: "Marked 2", format: "webp", watermark: { asset_id: asset.id } })).status).toBe(201);
  });

  it("a pipeline naming an unknown asset is refused", async () => {
    const res = await createPipeline(admin, { name: "Ghost", format: "webp", watermark: { asset_id: "nope" } });
    expect(res.status).toBe(400);
  });
});
