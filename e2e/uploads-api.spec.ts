import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import Database from "better-sqlite3";
import sharp from "sharp";
import { expect, request as playwrightRequest, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { adminCookie, ADMIN_ENV, fetchAs, SERVER_ENTRY, signIn } from "./auth";
import { freePort } from "./ports";

/** POST /api/batches against the real server: naming, every refusal leaves nothing, aborts, idempotency, limits. */

const dataDir = () => process.env.E2E_DATA_DIR!;
const today = () => {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};
let runTag = 0;
/** A prefix no other test (or earlier run against a reused server) has used today. */
const freshPrefix = (name: string) => `${name}_T${Date.now().toString(36).toUpperCase()}${runTag++}`;

async function png(seed: number, size = 24): Promise<Buffer> {
  const raw = Buffer.alloc(size * size * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 13 + seed * 101) & 0xff;
  return sharp(raw, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
}

/** A tiny, well-formed PNG whose header claims 100k x 100k pixels. */
function pixelBomb(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100_000, 0);
  ihdr.writeUInt32BE(100_000, 4);
  ihdr[8] = 8;
  return Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(Buffer.alloc(64))), chunk("IEND", Buffer.alloc(0))]);
}

type Part = { name: string; data: Buffer; field?: string };

function form(files: Part[], fields: Record<string, string | string[]> = {}): FormData {
  const body = new FormData();
  for (const f of files) body.append(f.field ?? "files", new File([new Uint8Array(f.data)], f.name));
  for (const [k, v] of Object.entries(fields)) for (const value of [v].flat()) body.append(k, value);
  return body;
}

const upload = (request: APIRequestContext, files: Part[], fields?: Record<string, string | string[]>, headers?: Record<string, string>) =>
  request.post("/api/batches", { multipart: form(files, fields), headers });

/** Rows in the server's database and files in its DATA_DIR: what no refused upload may change. */
function state() {
  const db = new Database(path.join(dataDir(), "db.sqlite"), { readonly: true });
  try {
    const n = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      batches: n("batches"),
      files: n("files"),
      jobs: n("jobs"),
      rate_limit_events: n("rate_limit_events"),
      inputs: fs.readdirSync(path.join(dataDir(), "inputs")).sort(),
      tmp: fs.readdirSync(path.join(dataDir(), "tmp")),
    };
  } finally {
    db.close();
  }
}

async function expectError(res: APIResponse, status: number, code: string, file?: string) {
  const body = await res.json();
  expect(res.status(), JSON.stringify(body)).toBe(status);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  if (file) {
    expect(body.error.details.file).toBe(file);
    expect(body.error.message).toContain(file);
  }
}

test.describe.configure({ mode: "serial" });

test("names batches from the explicit prefix, the file names or the default", async ({ request }) => {
  const prefix = freshPrefix("PL");
  const res = await upload(request, [{ name: `${prefix}_front.png`, data: await png(1) }, { name: `${prefix}_back.png`, data: await png(2) }, { name: "other.png", data: await png(3) }]);
  expect(res.status()).toBe(201);
  const batch = await res.json();
  expect(batch).toMatchObject({ customer_prefix: prefix, batch_date: today(), batch_counter: 1, base_directory_name: `${prefix}_${today()}_batch-1`, total_files: 3, status: "pending" });
  expect(batch.description).toMatch(/^3 files · .+/);
  expect(batch.jobs).toHaveLength(3);

  const preview = await (await request.get(`/api/batches/preview-name?file_names=${prefix}_x.png,y.png`)).json();
  expect(preview).toEqual({ customer_prefix: prefix, batch_date: today(), batch_counter: 2, base_directory_name: `${prefix}_${today()}_batch-2` });
  const second = await (await upload(request, [{ name: "any.png", data: await png(4) }], { customer_prefix: prefix, description: "second one", priority: "low" })).json();
  expect(second).toMatchObject({ base_directory_name: `${prefix}_${today()}_batch-2`, description: "second one", priority: "low" });

  const fallback = await (await upload(request, [{ name: "lower_case.png", data: await png(5) }])).json();
  expect(fallback.customer_prefix).toBe("BATCH");
  const previewDefault = await (await request.get("/api/batches/preview-name?file_names=a.png&file_names=b.png")).json();
  expect(previewDefault.batch_counter).toBe(fallback.batch_counter + 1);
});

test("10 parallel uploads for one prefix get distinct counters 1..10", async ({ request }) => {
  const prefix = freshPrefix("PAR");
  const data = await png(6);
  const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => upload(request, [{ name: `img${i}.png`, data }], { customer_prefix: prefix })));
  const bodies = await Promise.all(responses.map(async (r) => ({ status: r.status(), body: await r.json() })));
  expect(bodies.map((b) => b.status)).toEqual(Array(10).fill(201));
  expect(bodies.map((b) => b.body.batch_counter).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect(new Set(bodies.map((b) => b.body.base_directory_name)).size).toBe(10);
});

test("every refusal leaves the database and DATA_DIR unchanged and names the offending file", async ({ request }) => {
  const good = await png(7);
  const pipelines = (await (await request.get("/api/pipelines")).json()).data as { id: string }[];
  const before = state();
  const listTotal = (await (await request.get("/api/batches?limit=1")).json()).total;
  const cases: [string, () => Promise<APIResponse>, number, string, string?][] = [
    ["svg", () => upload(request, [{ name: "ok.png", data: good }, { name: "logo.svg", data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') }]), 415, "unsupported_media_type", "logo.svg"],
    ["html named .png", () => upload(request, [{ name: "ok.png", data: good }, { name: "page.png", data: Buffer.from("<!doctype html><html></html>") }]), 415, "unsupported_media_type", "page.png"],
    ["empty file", () => upload(request, [{ name: "empty.jpg", data: Buffer.alloc(0) }]), 415, "unsupported_media_type", "empty.jpg"],
    ["pixel bomb", () => upload(request, [{ name: "ok.png", data: good }, { name: "bomb.png", data: pixelBomb() }]), 413, "file_too_large", "bomb.png"],
    ["file over 50 MB", () => upload(request, [{ name: "ok.png", data: good }, { name: "huge.png", data: Buffer.alloc(50 * 1024 * 1024 + 1, 7) }]), 413, "file_too_large", "huge.png"],
    ["51 files", () => upload(request, Array.from({ length: 51 }, (_, i) => ({ name: `f${i + 1}.png`, data: good }))), 413, "too_many_files", "f51.png"],
    ["no files", () => upload(request, [], { priority: "low" }), 400, "no_files"],
    ["unknown pipeline", () => upload(request, [{ name: "ok.png", data: good }], { pipeline_id: [pipelines[0]!.id, "nope"] }), 400, "unknown_pipeline"],
    ["bad priority", () => upload(request, [{ name: "ok.png", data: good }], { priority: "urgent" }), 400, "validation_failed"],
    ["bad prefix", () => upload(request, [{ name: "ok.png", data: good }], { customer_prefix: "A_B_C_D" }), 400, "validation_failed"],
    ["unknown field", () => upload(request, [{ name: "ok.png", data: good }], { colour: "red" }), 400, "validation_failed"],
    ["file in a text field", () => upload(request, [{ name: "ok.png", data: good, field: "attachment" }]), 400, "validation_failed", "ok.png"],
    ["broken multipart", () => request.post("/api/batches", { headers: { "content-type": "multipart/form-data; boundary=xyz" }, data: "--xyz\r\nContent-Disposition: form-data; name=\"files\"; filename=\"cut.png\"\r\n\r\npartial" }), 400, "invalid_multipart"],
    ["no boundary", () => request.post("/api/batches", { headers: { "content-type": "multipart/form-data" }, data: "x" }), 400, "invalid_multipart"],
    ["malformed JSON", () => request.post("/api/batches", { headers: { "content-type": "application/json" }, data: Buffer.from('{"files": [') }), 400, "invalid_json"],
    ["JSON with an SVG", () => request.post("/api/batches", { data: { files: [{ file_name: "x.svg", file_data: Buffer.from("<svg/>").toString("base64") }] } }), 415, "unsupported_media_type", "x.svg"],
    ["JSON without files", () => request.post("/api/batches", { data: { files: [] } }), 400, "validation_failed"],
    ["plain text body", () => request.post("/api/batches", { headers: { "content-type": "text/plain" }, data: "hello" }), 415, "unsupported_media_type"],
    ["bad Idempotency-Key", () => upload(request, [{ name: "ok.png", data: good }], {}, { "Idempotency-Key": "x".repeat(300) }), 400, "validation_failed"],
  ];
  for (const [label, send, status, code, file] of cases) {
    await test.step(label, async () => {
      await expectError(await send(), status, code, file);
      await expect.poll(() => state()).toEqual(before);
    });
  }
  expect((await (await request.get("/api/batches?limit=1")).json()).total).toBe(listTotal);
});

test("a JSON body over MAX_JSON_BODY_MB is refused from its Content-Length", async () => {
  const before = state();
  const { status, body } = await rawPost("/api/batches", { "content-type": "application/json", "content-length": String(500 * 1024 * 1024) }, Buffer.from('{"files":['));
  expect(status).toBe(413);
  expect(JSON.parse(body).error.code).toBe("payload_too_large");
  expect(state()).toEqual(before);
});

test("a client that disconnects mid-upload leaves nothing behind", async () => {
  const before = state();
  const boundary = "----abort";
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="slow.png"\r\nContent-Type: image/png\r\n\r\n`;
  const req = http.request({ host: "127.0.0.1", port: Number(process.env.E2E_PORT), path: "/api/batches", method: "POST", headers: { cookie: adminCookie(), "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(20 * 1024 * 1024) } });
  req.on("error", () => undefined);
  req.write(head);
  req.write(await png(8));
  req.write(Buffer.alloc(2 * 1024 * 1024, 1));
  // Barrier: the server has started writing the part into tmp/ before we cut the connection.
  await expect.poll(() => state().tmp.length, { timeout: 15_000 }).toBeGreaterThan(0);
  req.destroy();
  await expect.poll(() => state(), { timeout: 15_000 }).toEqual(before);
});

test("path-traversal and hidden names are stored under safe display names only", async ({ request }) => {
  const prefix = freshPrefix("TRAV");
  const names = ["../../escape.png", "..\\..\\win.png", "/etc/passwd.png", ".hidden.png", "a/b/../c.png", `${prefix}_x.png`, `${prefix}_x.png`];
  const res = await upload(request, await Promise.all(names.map(async (name, i) => ({ name, data: await png(20 + i) }))));
  expect(res.status()).toBe(201);
  const batch = await res.json();
  expect(batch.customer_prefix).toBe(prefix);
  const db = new Database(path.join(dataDir(), "db.sqlite"), { readonly: true });
  const rows = db.prepare("SELECT safe_name, storage_key FROM files WHERE batch_id = ?").all(batch.id) as { safe_name: string; storage_key: string }[];
  db.close();
  expect(rows.map((r) => r.safe_name).sort()).toEqual(["c.png", "escape.png", "hidden.png", "passwd.png", "win.png", `${prefix}_x (2).png`, `${prefix}_x.png`].sort());
  for (const row of rows) expect(row.storage_key).toMatch(/^inputs\/[0-9a-f]{64}$/);
  expect(fs.existsSync(path.join(dataDir(), "..", "escape.png"))).toBe(false);
  expect(fs.existsSync(path.join(dataDir(), "escape.png"))).toBe(false);
});

test("an Idempotency-Key repeat answers 200 with the first batch and stores nothing", async ({ request }) => {
  const key = `key-${Date.now()}`;
  const first = await upload(request, [{ name: "one.png", data: await png(30) }], {}, { "Idempotency-Key": key });
  expect(first.status()).toBe(201);
  const id = (await first.json()).id;
  const before = state();
  const again = await upload(request, [{ name: "two.png", data: await png(31) }], {}, { "Idempotency-Key": key });
  expect(again.status()).toBe(200);
  expect(again.headers()["idempotent-replayed"]).toBe("true");
  expect((await again.json()).id).toBe(id);
  expect(state()).toEqual(before);

  // Two racing requests with a fresh key: one batch, both answers name it.
  const raced = `race-${Date.now()}`;
  const [a, b] = await Promise.all([0, 1].map(async (i) => upload(request, [{ name: `r${i}.png`, data: await png(32 + i) }], {}, { "Idempotency-Key": raced })));
  expect([a!.status(), b!.status()].sort()).toEqual([200, 201]);
  expect((await a!.json()).id).toBe((await b!.json()).id);
  await expect.poll(() => state().tmp).toEqual([]);
  expect(state().batches).toBe(before.batches + 1);
});

test("the JSON variant creates the same batch from base64 files", async ({ request }) => {
  const prefix = freshPrefix("JS");
  const pipelines = (await (await request.get("/api/pipelines")).json()).data as { id: string; name: string }[];
  const files = await Promise.all([40, 41].map(async (seed, i) => ({ file_name: `${prefix}_${i}.png`, file_data: (await png(seed)).toString("base64") })));
  const res = await request.post("/api/batches", { data: { files, pipeline_id: [pipelines[0]!.id, pipelines[1]!.id], priority: "high" } });
  expect(res.status()).toBe(201);
  const batch = await res.json();
  expect(batch).toMatchObject({ customer_prefix: prefix, total_files: 2, total_jobs: 4, priority: "high", description: `2 files · ${pipelines[0]!.name}, ${pipelines[1]!.name}` });
  const single = await request.post("/api/batches", { data: { files: files.slice(0, 1), pipeline_id: pipelines[1]!.id } });
  expect((await single.json()).pipelines.map((p: { id: string }) => p.id)).toEqual([pipelines[1]!.id]);
});

test("the upload allowance counts per user, answers 429 with Retry-After, ignores X-Forwarded-For and survives a restart", async () => {
  test.setTimeout(180_000);
  const limitedDir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-ratelimit-"));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  let server = await startServer(limitedDir, port);
  try {
    const admin = await signIn(baseURL);
    const member = await createMember(baseURL, admin, "limited");
    const api = await signedInContext(baseURL, await signIn(baseURL, member));
    const send = async (seed: number, headers?: Record<string, string>) => api.post("/api/batches", { multipart: form([{ name: "a.png", data: await png(seed) }]), headers });
    expect(await (await api.get("/api/limits")).json()).toEqual({ limit: 2, window_seconds: 3600, remaining: 2, reset_at: null });
    expect((await send(50)).status()).toBe(201);
    expect((await send(51)).status()).toBe(201);
    const limited = await send(52);
    await expectError(limited, 429, "rate_limited");
    const retryAfter = Number(limited.headers()["retry-after"]);
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    const limits = await (await api.get("/api/limits")).json();
    expect(limits).toMatchObject({ limit: 2, remaining: 0 });
    expect(Date.parse(limits.reset_at)).toBeGreaterThan(Date.now());
    // A client that claims another address is still the same member: no fresh allowance.
    await expectError(await send(53, { "X-Forwarded-For": "203.0.113.7" }), 429, "rate_limited");
    await expectError(await send(54, { "X-Forwarded-For": "198.51.100.23, 192.0.2.1" }), 429, "rate_limited");
    await api.dispose();

    // The allowance belongs to the user, not the address: another member on the same address has all of theirs.
    const other = await signedInContext(baseURL, await signIn(baseURL, await createMember(baseURL, admin, "other")));
    expect(await (await other.get("/api/limits")).json()).toEqual({ limit: 2, window_seconds: 3600, remaining: 2, reset_at: null });
    expect((await other.post("/api/batches", { multipart: form([{ name: "c.png", data: await png(55) }]) })).status()).toBe(201);
    await other.dispose();

    await stopServer(server);
    server = await startServer(limitedDir, port);
    const after = await signedInContext(baseURL, await signIn(baseURL, member));
    await expectError(await after.post("/api/batches", { multipart: form([{ name: "b.png", data: await png(56) }]) }), 429, "rate_limited");
    expect(await (await after.get("/api/limits")).json()).toMatchObject({ limit: 2, remaining: 0 });
    await after.dispose();
  } finally {
    await stopServer(server);
    fs.rmSync(limitedDir, { recursive: true, force: true });
  }
});

/** A member created by the admin over the API; returns what signIn needs. */
async function createMember(baseURL: string, admin: string, name: string): Promise<{ email: string; password: string }> {
  const who = { email: `${name}-${Date.now()}@example.test`, password: `${name}-member-password` };
  const res = await fetchAs(admin, `${baseURL}/api/users`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...who, role: "member" }) });
  expect(res.status, await res.clone().text()).toBe(201);
  return who;
}

/** A request context sending only this session cookie (not the shared server's stored admin session). */
const signedInContext = (baseURL: string, cookie: string) =>
  playwrightRequest.newContext({ baseURL, storageState: { cookies: [], origins: [] }, extraHTTPHeaders: { cookie } });

/** A second server of this build with its own DATA_DIR, the test admin, and members limited to 2 uploads an hour. */
async function startServer(dir: string, port: number): Promise<ChildProcess> {
  const [command, ...args] = SERVER_ENTRY;
  const child = spawn(command, args, {
    env: { ...process.env, ...ADMIN_ENV, DATA_DIR: dir, HOST: "127.0.0.1", PORT: String(port), UPLOAD_RATE_LIMIT: "2/hour", LOG_LEVEL: "warn", NODE_ENV: "production" },
    stdio: "ignore",
  });
  await expect
    .poll(async () => fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.status, () => 0), { timeout: 60_000, intervals: [250] })
    .toBe(200);
  return child;
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function rawPost(pathname: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: Number(process.env.E2E_PORT), path: pathname, method: "POST", headers: { cookie: adminCookie(), ...headers } }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body: text });
        req.destroy();
      });
    });
    req.on("error", reject);
    req.write(body);
  });
}
