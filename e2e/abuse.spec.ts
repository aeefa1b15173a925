import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import nextConfig from "../next.config";
import { adminCookie } from "./auth";
import * as fx from "./fixtures";
import { dataDir, expectError, expectServerUp, postJson, postMultipart, rawPost, storedState, waitForBatch, waitForIdleQueue, type Answer } from "./hostile-helpers";

/**
 * Staying up under abuse (docs/testing.md): one request, or a burst of them, from a signed-in client
 * must not stop or exhaust the server. One case per limit: linear parsing, bounded bodies, bounded
 * image work, bounded metrics, one cleanup at a time, no image optimizer, safe names for every
 * extractor, no internals in answers, private data at rest. Refusals store nothing and leave the
 * server healthy. No case measures time: each checks what was answered and what was left behind.
 */

test.describe.configure({ mode: "serial" });

/** A refusal that must leave rows, files and totals exactly as they were. */
async function refusedWithNothingStored(request: APIRequestContext, send: () => Promise<Answer>, status: number, code: string): Promise<Answer> {
  await waitForIdleQueue();
  const before = await storedState(request);
  const answer = await send();
  await expectError(answer, status, code);
  await expect.poll(() => storedState(request)).toEqual(before);
  await expectServerUp(request);
  return answer;
}

test("linear parsing: a JSON upload of megabytes of newlines ending in a bad character is refused", async ({ request }) => {
  const body = `{"files":[{"file_name":"a.png","file_data":"${"\\n".repeat(4_000_000)}!"}]}`;
  await refusedWithNothingStored(request, () => postJson(request, "/api/batches", body), 400, "validation_failed");
});

test("linear parsing: a multipart file name over 1000 characters is refused, as in JSON", async ({ request }) => {
  const name = `${". ".repeat(600)}x.png`;
  await refusedWithNothingStored(request, () => postMultipart(request, [{ filename: name, data: Buffer.from("x") }]), 400, "validation_failed");
});

test("bounded bodies: preview JSON must be JSON, and small", async ({ request }) => {
  const url = "/api/pipelines/preview";
  await expectError(await request.fetch(url, { method: "POST", headers: { "content-type": "text/plain" }, data: '{"spec":{"format":"png"}}' }), 415, "unsupported_media_type");
  const huge = JSON.stringify({ spec: { format: "png", name: "x".repeat(300 * 1024) } });
  await expectError(await postJson(request, url, huge), 413, "payload_too_large");
  await expectServerUp(request);
});

test("bounded bodies: an upload declaring more bytes than the disk has is refused before a byte is stored", async ({ request }) => {
  const { body, contentType } = { body: Buffer.from("--b\r\n"), contentType: "multipart/form-data; boundary=b" };
  await refusedWithNothingStored(request, () => rawPost("/api/batches", { "content-type": contentType, "content-length": String(1e15) }, body), 507, "insufficient_storage");
});

/** MAX_CONCURRENT_UPLOADS as the suite's server runs it (the default). */
const MAX_CONCURRENT_UPLOADS = 16;

test("bounded bodies: one upload more than a user may have in flight is answered 429 with Retry-After", async ({ request }) => {
  await waitForIdleQueue();
  const before = await storedState(request);
  // Uploads that announce a megabyte and send a few bytes. Each one the server takes holds its slot
  // while it waits for the rest; it takes MAX_CONCURRENT_UPLOADS and answers the two past it 429.
  const stalled = Array.from({ length: MAX_CONCURRENT_UPLOADS + 2 }, () => stalledUpload(1024 * 1024));
  const refused = await Promise.all(stalled.map((s) => Promise.race([s.answered, new Promise<null>((r) => setTimeout(() => r(null), 5000))])));
  expect(refused.filter((status) => status === 429)).toHaveLength(2);
  // With all slots held, this user's next upload is refused before its body is read.
  const oneMore = await postMultipart(request, [{ filename: "ABUSE_one_more.png", data: await fx.photo(8, 8) }]);
  await expectError(oneMore, 429, "rate_limited");
  expect(oneMore.headers()["retry-after"]).toBe("5");
  for (const s of stalled) s.abort();
  // Slots come back as the aborted uploads unwind; nothing they sent stays behind.
  await expect.poll(async () => (await postMultipart(request, [{ filename: "ABUSE_after.png", data: await fx.photo(9, 9) }])).status()).toBe(201);
  await waitForIdleQueue();
  const after = await storedState(request);
  expect(after.tmp).toEqual([]);
  expect(after.rows.batches).toBe(before.rows.batches! + 1);
});

test("bounded image work: pipelines over MAX_OUTPUT_PIXELS are refused", async ({ request }) => {
  const huge = await request.post("/api/pipelines", { data: { name: "ABUSE huge", format: "png", width: 20_000, height: 20_000 } });
  await expectError(huge, 400, "validation_failed");
});

test("bounded image work: 20 previews of a 20000 px spec at once leave health and a small upload answering", async ({ request }) => {
  const spec = JSON.stringify({ format: "webp", width: 20_000 });
  const image = await fx.photo(2400, 1600, "jpeg", 3);
  const previews = Array.from({ length: 20 }, () =>
    request.post("/api/pipelines/preview", { multipart: { spec, file: { name: "big.jpg", mimeType: "image/jpeg", buffer: image } } }),
  );
  const [health, upload] = await Promise.all([request.get("/api/health"), postMultipart(request, [{ filename: "ABUSE_during.png", data: await fx.photo(10, 10) }])]);
  expect(health.status()).toBe(200);
  expect(upload.status()).toBe(201);
  const answers = await Promise.all(previews);
  for (const answer of answers) {
    expect([200, 503, 429]).toContain(answer.status());
    if (answer.status() !== 200) expect(Number(answer.headers()["retry-after"])).toBeGreaterThan(0);
    else expect(Math.max(Number(answer.headers()["x-preview-width"]), Number(answer.headers()["x-preview-height"]))).toBeLessThanOrEqual(1024);
  }
  expect(answers.filter((a) => a.status() === 200).length).toBeGreaterThan(0);
  await expectServerUp(request);
});

test("bounded image work: an undecodable file's thumbnail is a placeholder every time", async ({ request }) => {
  const res = await postMultipart(request, [{ filename: "ABUSE_broken.jpg", data: await fx.truncatedJpeg() }]);
  expect(res.status()).toBe(201);
  const fileId = ((await res.json()) as { jobs: { file_id: string }[] }).jobs[0]!.file_id;
  for (let i = 0; i < 3; i++) {
    const thumb = await request.get(`/api/files/${fileId}/thumbnail`);
    expect(thumb.status()).toBe(200);
    expect(thumb.headers()["x-thumbnail-placeholder"]).toBeTruthy();
  }
});

test("bounded metrics: 100 distinct bogus paths leave the number of series unchanged", async ({ request }) => {
  const seriesCount = async () => (await (await request.get("/api/metrics")).text()).split("\n").filter((line) => line.startsWith("batchyard_http_request_duration_seconds_count")).length;
  // Warm-up: the series these requests fall into exist after one of each.
  await request.get("/api/batches/bogus-warm-up");
  await request.get("/api/files/bogus-warm-up/thumbnail");
  await request.get("/api/nothing-here-warm-up");
  await seriesCount();
  const before = await seriesCount();
  for (let i = 0; i < 100; i++) {
    await request.get(`/api/batches/bogus-${i}-${Math.random().toString(36).slice(2)}`);
    await request.get(`/api/files/Bogus_${i}/thumbnail`);
    await request.get(`/api/nothing-here-${i}`);
  }
  expect(await seriesCount()).toBe(before);
});

test("one cleanup at a time: a burst of cleanup requests all answer, and the server stays up", async ({ request }) => {
  const answers = await Promise.all(Array.from({ length: 8 }, () => request.post("/api/maintenance/cleanup", { data: { days_old: 36_500 } })));
  for (const answer of answers) expect(answer.status()).toBe(200);
  // Requests that arrived while a run was going got that run's result: fewer distinct runs than requests.
  const runs = new Set(await Promise.all(answers.map(async (a) => JSON.stringify(await a.json()))));
  expect(runs.size).toBeLessThan(answers.length);
  await expectServerUp(request);
});

test("no image optimizer: Next's /_next/image resizes nothing, and the dev server trusts no other origin", async ({ request }) => {
  expect(nextConfig.images?.unoptimized).toBe(true);
  expect(nextConfig.allowedDevOrigins).toEqual([]);
  const res = await request.get("/_next/image?url=%2Fsamples%2Flandscape.jpg&w=64&q=75");
  expect(res.status()).not.toBe(200);
  await expectServerUp(request);
});

test("safe names: fullwidth slashes and dots extract inside the target folder with unzip and Python's zipfile", async ({ request }) => {
  const names = ["．．／．．／ABUSE_escape.png", "..／ABUSE_mixed.png", "．．＼．．＼ABUSE_win.png", "ａｂｃ／ABUSE_def.png"];
  const parts = await Promise.all(names.map(async (filename, i) => ({ filename, data: await fx.photo(12 + i, 12, "png", 40 + i) })));
  const res = await postMultipart(request, parts);
  expect(res.status()).toBe(201);
  const batch = await waitForBatch(request, ((await res.json()) as { id: string }).id);
  expect(batch.status).toBe("completed");
  const zip = await request.get(`/api/batches/${batch.id as string}/download`);
  expect(zip.status()).toBe(200);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-abuse-zip-"));
  try {
    const archive = path.join(work, "batch.zip");
    fs.writeFileSync(archive, await zip.body());
    for (const tool of ["unzip", "python"] as const) {
      const target = path.join(work, tool, "target");
      fs.mkdirSync(target, { recursive: true });
      if (tool === "unzip") execFileSync("unzip", ["-o", "-q", archive, "-d", target]);
      else execFileSync("python3", ["-m", "zipfile", "-e", archive, target]);
      expect(fs.readdirSync(path.join(work, tool))).toEqual(["target"]);
      const files = fs.readdirSync(target, { recursive: true }).map((entry) => path.join(target, String(entry))).filter((entry) => fs.statSync(entry).isFile());
      expect(files.length).toBe(names.length + 1); // the outputs and the manifest
      for (const file of files) {
        expect(fs.realpathSync(file).startsWith(target + path.sep), file).toBe(true);
        expect(path.basename(file)).not.toMatch(/[／＼．]|^\./u);
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test("no internals: anonymous health says only its status, and error bodies carry no server paths", async ({ request, playwright }) => {
  const anonymous = await playwright.request.newContext({ baseURL: `http://127.0.0.1:${process.env.E2E_PORT}`, storageState: { cookies: [], origins: [] } });
  const health = await anonymous.get("/api/health");
  expect(Object.keys(await health.json())).toEqual(["status"]);
  await anonymous.dispose();
  const answers = [
    await request.get("/api/files/..%2F..%2F..%2Fetc%2Fpasswd/thumbnail"),
    await request.get("/api/jobs/..%2Fdb.sqlite/output"),
    await request.get("/api/batches/%2Ftmp%2Fx"),
    await postJson(request, "/api/batches", "{"),
  ];
  for (const answer of answers) {
    expect(answer.status()).toBeGreaterThanOrEqual(400);
    const text = await answer.text();
    expect(text).not.toContain(dataDir());
    expect(text).not.toContain(process.cwd());
    expect(text).not.toMatch(/\bat .+:\d+:\d+|node_modules|ENOENT|SQLITE_/);
  }
});

test("private data: DATA_DIR's folders are 0700 and its files 0600", async ({ request }) => {
  const res = await postMultipart(request, [{ filename: "ABUSE_private.png", data: await fx.photo(20, 20, "png", 77) }]);
  expect(res.status()).toBe(201);
  await waitForBatch(request, ((await res.json()) as { id: string }).id);
  // Modes, not access: the suite runs as root, which can read anything.
  const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);
  const root = dataDir();
  for (const dir of ["tmp", "inputs", "outputs", "thumbs"]) expect(mode(path.join(root, dir)), dir).toBe("700");
  expect(mode(path.join(root, "db.sqlite"))).toBe("600");
  for (const dir of ["inputs", "outputs"]) {
    const files = fs.readdirSync(path.join(root, dir), { recursive: true }).map((entry) => path.join(root, dir, String(entry)));
    expect(files.length, dir).toBeGreaterThan(0);
    for (const file of files) expect(mode(file), file).toBe(fs.statSync(file).isDirectory() ? "700" : "600");
  }
});

/**
 * A signed-in multipart upload that declares `declared` bytes, sends its first part's headers, then
 * waits. `answered` settles with the status if the server answers before the body is complete.
 */
function stalledUpload(declared: number): { answered: Promise<number>; abort: () => void } {
  const req = http.request({
    host: "127.0.0.1",
    port: Number(process.env.E2E_PORT),
    path: "/api/batches",
    method: "POST",
    headers: { cookie: adminCookie(), "content-type": "multipart/form-data; boundary=stall", "content-length": String(declared) },
  });
  req.on("error", () => undefined);
  const answered = new Promise<number>((resolve) => req.on("response", (res) => (res.resume(), resolve(res.statusCode ?? 0))));
  req.write('--stall\r\nContent-Disposition: form-data; name="files"; filename="ABUSE_stalled.png"\r\n\r\n');
  return { answered, abort: () => req.destroy() };
}
