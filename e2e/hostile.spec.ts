import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { storageStatePath } from "./auth";
import * as fx from "./fixtures";
import {
  expectError,
  expectServerUp,
  postJson,
  postMultipart,
  rawPost,
  storedFiles,
  storedState,
  waitForBatch,
  waitForIdleQueue,
  type Answer,
  type RawPart,
} from "./hostile-helpers";

/**
 * Hostile-input suite (docs/testing.md): every case is one request a careless or malicious client could
 * send. Refusals must answer the documented 4xx with a machine-readable code, store nothing and
 * leave the server up; images that only break when decoded are accepted and fail as jobs with a
 * plain reason (see the "accepted" table at the end).
 */

interface Env {
  good: Buffer;
  defaultPipelineId: string;
  otherPipelineName: string;
  batchId: string;
  failedJobId: string;
  completedJobId: string;
  /** A completed WebP output, outputs/<batch>/<job>.webp: the target of the thumbnail traversal. */
  webpOutput: { batchId: string; jobId: string };
}

let env: Env;
const MAX_FILE_BYTES = 50 * 1024 * 1024; // the suite's webServer runs with the default MAX_FILE_SIZE_MB=50

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  const api = await playwrightRequest.newContext({ baseURL: `http://127.0.0.1:${process.env.E2E_PORT}`, storageState: storageStatePath() });
  const pipelines = (await (await api.get("/api/pipelines")).json()).data as { id: string; name: string; format: string; is_default: boolean }[];
  const byDefault = pipelines.find((p) => p.is_default)!;
  const webp = pipelines.find((p) => p.format === "webp")!;
  const good = await fx.photo(40, 30, "png", 1);
  const res = await postMultipart(api, [
    { filename: "HOSTILE_good.png", data: good },
    { filename: "HOSTILE_cut.jpg", data: await fx.truncatedJpeg() },
    { field: "pipeline_id", data: byDefault.id },
    { field: "pipeline_id", data: webp.id },
  ]);
  expect(res.status()).toBe(201);
  const batch = await waitForBatch(api, (await res.json()).id);
  const job = (file: string, pipeline: string, status: string) =>
    batch.jobs.find((j) => j.file_name === file && (j as unknown as { pipeline_id: string }).pipeline_id === pipeline && j.status === status)!;
  env = {
    good,
    defaultPipelineId: byDefault.id,
    otherPipelineName: pipelines.find((p) => !p.is_default)!.name,
    batchId: batch.id as string,
    failedJobId: job("HOSTILE_cut.jpg", byDefault.id, "failed").id,
    completedJobId: job("HOSTILE_good.png", byDefault.id, "completed").id,
    webpOutput: { batchId: batch.id as string, jobId: job("HOSTILE_good.png", webp.id, "completed").id },
  };
  await api.dispose();
});

type Send = (api: APIRequestContext, env: Env) => Promise<Answer>;
interface Refusal {
  name: string;
  send: Send;
  status: number;
  code: string;
  file?: string;
}

const file = (filename: string, data: Buffer): RawPart => ({ filename, data });
const upload = (parts: (e: Env) => RawPart[] | Promise<RawPart[]>): Send => async (api, e) => postMultipart(api, await parts(e));
const uploadJson = (body: (e: Env) => unknown): Send => (api, e) => postJson(api, "/api/batches", JSON.stringify(body(e)));
const b64 = (data: Buffer) => data.toString("base64");
const get = (url: string | ((e: Env) => string)): Send => (api, e) => api.get(typeof url === "string" ? url : url(e));

const UPLOAD_REFUSALS: Refusal[] = [
  // Content, not the name, decides what a file is.
  { name: "text named .png", send: upload(() => [file("notes.png", fx.textFile)]), status: 415, code: "unsupported_media_type", file: "notes.png" },
  { name: "HTML named .jpg", send: upload(() => [file("page.jpg", fx.html)]), status: 415, code: "unsupported_media_type", file: "page.jpg" },
  { name: "SVG with a script named .png", send: upload(() => [file("logo.png", fx.svg)]), status: 415, code: "unsupported_media_type", file: "logo.png" },
  { name: "SVG sent as image/svg+xml", send: upload(() => [{ filename: "logo.svg", data: fx.svg, contentType: "image/svg+xml" }]), status: 415, code: "unsupported_media_type", file: "logo.svg" },
  { name: "PDF named .png", send: upload(() => [file("scan.png", fx.pdfDocument)]), status: 415, code: "unsupported_media_type", file: "scan.png" },
  { name: "BMP (a raster, not an accepted one)", send: upload(() => [file("old.bmp", fx.bmpImage())]), status: 415, code: "unsupported_media_type", file: "old.bmp" },
  { name: "zero-byte file", send: upload(() => [file("empty.jpg", fx.zeroBytes)]), status: 415, code: "unsupported_media_type", file: "empty.jpg" },
  { name: "PNG magic then garbage (no IHDR)", send: upload(() => [file("broken.png", fx.corruptHeaderPng())]), status: 415, code: "unsupported_media_type", file: "broken.png" },
  { name: "one SVG after two good files: all or nothing", send: upload((e) => [file("a.png", e.good), file("b.png", e.good), file("evil.png", fx.svg)]), status: 415, code: "unsupported_media_type", file: "evil.png" },
  // Size: bytes, pixels, parts.
  { name: "PNG pixel bomb 100k x 100k", send: upload((e) => [file("ok.png", e.good), file("bomb.png", fx.pixelBomb())]), status: 413, code: "file_too_large", file: "bomb.png" },
  { name: "JPEG whose SOF claims 65000 x 65000", send: upload(async () => [file("bomb.jpg", await fx.jpegClaiming(65_000, 65_000))]), status: 413, code: "file_too_large", file: "bomb.jpg" },
  { name: "file one byte over MAX_FILE_SIZE_MB", send: upload((e) => [file("ok.png", e.good), file("huge.png", fx.oversizeFile(MAX_FILE_BYTES + 1))]), status: 413, code: "file_too_large", file: "huge.png" },
  { name: "51 files (MAX_FILES_PER_BATCH=50)", send: upload((e) => Array.from({ length: 51 }, (_, i) => file(`f${i + 1}.png`, e.good))), status: 413, code: "too_many_files", file: "f51.png" },
  { name: "101 text fields", send: upload((e) => [file("ok.png", e.good), ...Array.from({ length: 101 }, (_, i) => ({ field: `x${i}`, data: "1" }))]), status: 413, code: "payload_too_large" },
  { name: "20 KB description field", send: upload((e) => [file("ok.png", e.good), { field: "description", data: "d".repeat(20_000) }]), status: 413, code: "payload_too_large" },
  // Fields.
  { name: "21 pipeline_id fields", send: upload((e) => [file("ok.png", e.good), ...Array.from({ length: 21 }, () => ({ field: "pipeline_id", data: e.defaultPipelineId }))]), status: 400, code: "validation_failed" },
  { name: "SQL-looking pipeline_id", send: upload((e) => [file("ok.png", e.good), { field: "pipeline_id", data: "' OR 1=1 --" }]), status: 400, code: "unknown_pipeline" },
  { name: "SQL-looking customer_prefix", send: upload((e) => [file("ok.png", e.good), { field: "customer_prefix", data: "X'; DROP TABLE batches;--" }]), status: 400, code: "validation_failed" },
  { name: "field named __proto__", send: upload((e) => [file("ok.png", e.good), { field: "__proto__", data: "polluted" }]), status: 400, code: "validation_failed" },
  { name: "priority sent twice", send: upload((e) => [file("ok.png", e.good), { field: "priority", data: "high" }, { field: "priority", data: "low" }]), status: 400, code: "validation_failed" },
  { name: "text in the files field", send: upload(() => [{ disposition: 'form-data; name="files"', contentType: "text/plain", data: "hello" }]), status: 400, code: "validation_failed" },
  { name: "only text fields, no file", send: upload(() => [{ field: "priority", data: "low" }]), status: 400, code: "no_files" },
  { name: "Idempotency-Key with spaces", send: (api, e) => postMultipart(api, [file("ok.png", e.good)], { headers: { "Idempotency-Key": "not a valid key" } }), status: 400, code: "validation_failed" },
  // Framing.
  { name: "multipart without a boundary", send: (api) => api.post("/api/batches", { headers: { "content-type": "multipart/form-data" }, data: Buffer.from("x") }), status: 400, code: "invalid_multipart" },
  { name: "boundary in the header differs from the body", send: (api, e) => postMultipart(api, [file("ok.png", e.good)], { boundary: "AAA", headers: { "content-type": "multipart/form-data; boundary=BBB" } }), status: 400, code: "invalid_multipart" },
  { name: "body cut off mid-file (no closing boundary)", send: (api, e) => postMultipart(api, [file("cut.png", e.good.subarray(0, 40))], { close: false }), status: 400, code: "invalid_multipart" },
  { name: "raw control character in a part header", send: upload((e) => [file("x\u0001\u001b.png", e.good)]), status: 400, code: "invalid_multipart" },
  { name: "20,000-character file name header", send: upload((e) => [file(`${"n".repeat(20_000)}.png`, e.good)]), status: 400, code: "invalid_multipart" },
  { name: "JSON sent as multipart", send: (api) => api.post("/api/batches", { headers: { "content-type": "multipart/form-data; boundary=x" }, data: Buffer.from('{"files":[]}') }), status: 400, code: "invalid_multipart" },
  { name: "multipart sent as application/json", send: (api, e) => api.post("/api/batches", { headers: { "content-type": "application/json" }, data: Buffer.from(`--x\r\nContent-Disposition: form-data; name="files"; filename="a.png"\r\n\r\n${e.good.toString("latin1")}\r\n--x--`) }), status: 400, code: "invalid_json" },
  { name: "text/plain body", send: (api) => api.post("/api/batches", { headers: { "content-type": "text/plain" }, data: "hello" }), status: 415, code: "unsupported_media_type" },
  { name: "raw image body, no multipart", send: (api, e) => api.post("/api/batches", { headers: { "content-type": "image/png" }, data: e.good }), status: 415, code: "unsupported_media_type" },
  // The JSON variant.
  { name: "JSON cut off", send: (api) => postJson(api, "/api/batches", '{"files": [{"file_name": "a.png", "file_da'), status: 400, code: "invalid_json" },
  { name: "JSON top-level array", send: (api) => postJson(api, "/api/batches", "[]"), status: 400, code: "validation_failed" },
  { name: "JSON nested 100,000 deep", send: (api) => postJson(api, "/api/batches", "[".repeat(100_000) + "]".repeat(100_000)), status: 400, code: "validation_failed" },
  { name: "JSON file_data not base64", send: uploadJson(() => ({ files: [{ file_name: "a.png", file_data: "%%% not base64 %%%" }] })), status: 400, code: "validation_failed" },
  { name: "JSON file_name of 1,001 characters", send: uploadJson((e) => ({ files: [{ file_name: "a".repeat(1001), file_data: b64(e.good) }] })), status: 400, code: "validation_failed" },
  { name: "multipart file name of 5,000 characters (the same cap as JSON)", send: upload((e) => [file(`${"L".repeat(4996)}.png`, e.good)]), status: 400, code: "validation_failed" },
  { name: "JSON unknown key inside a file", send: uploadJson((e) => ({ files: [{ file_name: "a.png", file_data: b64(e.good), chmod: "0777" }] })), status: 400, code: "validation_failed" },
  { name: "JSON __proto__ key", send: (api, e) => postJson(api, "/api/batches", `{"files":[{"file_name":"a.png","file_data":"${b64(e.good)}"}],"__proto__":{"priority":"high"}}`), status: 400, code: "validation_failed" },
  { name: "JSON 1 MB description", send: uploadJson((e) => ({ files: [{ file_name: "a.png", file_data: b64(e.good) }], description: "x".repeat(1_000_000) })), status: 400, code: "validation_failed" },
  { name: "JSON 51 files", send: uploadJson((e) => ({ files: Array.from({ length: 51 }, (_, i) => ({ file_name: `f${i + 1}.png`, file_data: b64(e.good) })) })), status: 413, code: "too_many_files", file: "f51.png" },
  { name: "JSON HTML disguised as .jpg", send: uploadJson(() => ({ files: [{ file_name: "x.jpg", file_data: b64(fx.html) }] })), status: 415, code: "unsupported_media_type", file: "x.jpg" },
  { name: "JSON pixel bomb", send: uploadJson(() => ({ files: [{ file_name: "bomb.png", file_data: b64(fx.pixelBomb()) }] })), status: 413, code: "file_too_large", file: "bomb.png" },
  { name: "JSON Content-Length of 500 MB", send: () => rawPost("/api/batches", { "content-type": "application/json", "content-length": String(500 * 1024 * 1024) }, Buffer.from('{"files":[')), status: 413, code: "payload_too_large" },
];

const pipelineJson = (body: unknown) => JSON.stringify({ name: "Hostile", format: "png", ...(body as object) });
const PIPELINE_REFUSALS: Refusal[] = [
  { name: "POST malformed JSON", send: (api) => postJson(api, "/api/pipelines", '{"name": "x", '), status: 400, code: "invalid_json" },
  { name: "POST empty body", send: (api) => postJson(api, "/api/pipelines", ""), status: 400, code: "invalid_json" },
  // The name alone is refused (well under the JSON body cap); a body over the cap is refused before it is parsed.
  { name: "POST 10,000-character name", send: (api) => postJson(api, "/api/pipelines", pipelineJson({ name: "n".repeat(10_000) })), status: 400, code: "validation_failed" },
  { name: "POST 300 KB body", send: (api) => postJson(api, "/api/pipelines", pipelineJson({ name: "n".repeat(300_000) })), status: 413, code: "payload_too_large" },
  { name: "POST format svg", send: (api) => postJson(api, "/api/pipelines", pipelineJson({ format: "svg" })), status: 400, code: "validation_failed" },
  { name: "POST width 1e12", send: (api) => postJson(api, "/api/pipelines", pipelineJson({ width: 1e12 })), status: 400, code: "validation_failed" },
  { name: "POST width as a string", send: (api) => postJson(api, "/api/pipelines", pipelineJson({ width: "100" })), status: 400, code: "validation_failed" },
  { name: "POST SQL in background", send: (api) => postJson(api, "/api/pipelines", pipelineJson({ background: "#fff'); DROP TABLE pipelines;--" })), status: 400, code: "validation_failed" },
  { name: "POST __proto__ key", send: (api) => postJson(api, "/api/pipelines", '{"name":"Hostile","format":"png","__proto__":{"is_default":true}}'), status: 400, code: "validation_failed" },
  { name: "POST a live name in other case", send: (api, e) => postJson(api, "/api/pipelines", pipelineJson({ name: e.otherPipelineName.toUpperCase() })), status: 409, code: "duplicate_name" },
  { name: "GET include_archived=yes", send: get("/api/pipelines?include_archived=yes"), status: 400, code: "validation_failed" },
  { name: "GET unknown query parameter", send: get("/api/pipelines?foo=bar"), status: 400, code: "validation_failed" },
  { name: "GET unknown id", send: get("/api/pipelines/00000000-0000-0000-0000-000000000000"), status: 404, code: "not_found" },
  { name: "GET SQL-looking id", send: get(`/api/pipelines/${encodeURIComponent("' OR '1'='1")}`), status: 404, code: "not_found" },
  { name: "PATCH unknown id", send: (api) => postJson(api, "/api/pipelines/nope", '{"quality":50}', "PATCH"), status: 404, code: "not_found" },
  { name: "PATCH malformed JSON", send: (api, e) => postJson(api, `/api/pipelines/${e.defaultPipelineId}`, "{{", "PATCH"), status: 400, code: "invalid_json" },
  { name: "PATCH quality 0", send: (api, e) => postJson(api, `/api/pipelines/${e.defaultPipelineId}`, '{"quality":0}', "PATCH"), status: 400, code: "validation_failed" },
  { name: "PATCH unknown field", send: (api, e) => postJson(api, `/api/pipelines/${e.defaultPipelineId}`, '{"command":"rm -rf /"}', "PATCH"), status: 400, code: "validation_failed" },
  { name: "PATCH rename onto another live name", send: (api, e) => postJson(api, `/api/pipelines/${e.defaultPipelineId}`, JSON.stringify({ name: e.otherPipelineName }), "PATCH"), status: 409, code: "duplicate_name" },
  { name: "PATCH the default to is_default=false", send: (api, e) => postJson(api, `/api/pipelines/${e.defaultPipelineId}`, '{"is_default":false}', "PATCH"), status: 409, code: "conflict" },
  { name: "DELETE SQL-looking id", send: (api) => api.delete(`/api/pipelines/${encodeURIComponent("x' OR 1=1 --")}`), status: 404, code: "not_found" },
];

const QUERY_REFUSALS: Refusal[] = [
  { name: "list sort_by with SQL", send: get(`/api/batches?sort_by=${encodeURIComponent("created_at; DROP TABLE batches")}`), status: 400, code: "validation_failed" },
  { name: "list status with SQL", send: get(`/api/batches?status=${encodeURIComponent("completed' OR '1'='1")}`), status: 400, code: "validation_failed" },
  { name: "list customer_prefix with a LIKE pattern", send: get(`/api/batches?customer_prefix=${encodeURIComponent("PL%' --")}`), status: 400, code: "validation_failed" },
  { name: "list sort_order sideways", send: get("/api/batches?sort_order=sideways"), status: 400, code: "validation_failed" },
  { name: "list limit -1", send: get("/api/batches?limit=-1"), status: 400, code: "validation_failed" },
  { name: "list limit 100000", send: get("/api/batches?limit=100000"), status: 400, code: "validation_failed" },
  { name: "list offset past 2^53", send: get("/api/batches?offset=99999999999999999999"), status: 400, code: "validation_failed" },
  { name: "list limit repeated", send: get("/api/batches?limit=1&limit=2"), status: 400, code: "validation_failed" },
  { name: "list date_from 2025-02-30", send: get("/api/batches?date_from=2025-02-30"), status: 400, code: "validation_failed" },
  { name: "list date_to before date_from", send: get("/api/batches?date_from=2025-03-01&date_to=2025-01-01"), status: 400, code: "validation_failed" },
  { name: "list q of 10,000 characters", send: get(`/api/batches?q=${"a".repeat(10_000)}`), status: 400, code: "validation_failed" },
  { name: "list q empty", send: get("/api/batches?q="), status: 400, code: "validation_failed" },
  { name: "list unknown parameter", send: get("/api/batches?uploaded_by=admin"), status: 400, code: "validation_failed" },
  { name: "list __proto__[polluted] parameter", send: get("/api/batches?__proto__%5Bpolluted%5D=1"), status: 400, code: "validation_failed" },
  { name: "stats with a parameter", send: get("/api/batches/stats?x=1"), status: 400, code: "validation_failed" },
  { name: "batch: unknown uuid", send: get("/api/batches/00000000-0000-4000-8000-000000000000"), status: 404, code: "not_found" },
  { name: "batch: NUL id", send: get("/api/batches/%00"), status: 404, code: "not_found" },
  { name: "batch: 5,000-character id", send: get(`/api/batches/${"x".repeat(5000)}`), status: 404, code: "not_found" },
  { name: "batch PATCH malformed JSON", send: (api, e) => postJson(api, `/api/batches/${e.batchId}`, "{", "PATCH"), status: 400, code: "invalid_json" },
  { name: "batch PATCH unknown field", send: (api, e) => postJson(api, `/api/batches/${e.batchId}`, '{"status":"completed"}', "PATCH"), status: 400, code: "validation_failed" },
  { name: "batch PATCH unknown id", send: (api) => postJson(api, "/api/batches/nope", '{"priority":"high"}', "PATCH"), status: 404, code: "not_found" },
  { name: "batch pause: unknown id", send: (api) => api.post("/api/batches/nope/pause"), status: 404, code: "not_found" },
  { name: "batch resume: not paused", send: (api, e) => api.post(`/api/batches/${e.batchId}/resume`), status: 409, code: "invalid_transition" },
  { name: "batch download: unknown id", send: get("/api/batches/nope/download"), status: 404, code: "not_found" },
  { name: "job: unknown id", send: get("/api/jobs/nope"), status: 404, code: "not_found" },
  { name: "job retry: a completed job", send: (api, e) => api.post(`/api/jobs/${e.completedJobId}/retry`), status: 409, code: "invalid_transition" },
  { name: "job output: traversal id", send: get("/api/jobs/..%2F..%2F..%2Fetc%2Fpasswd/output"), status: 404, code: "not_found" },
  { name: "job output: a failed job", send: get((e) => `/api/jobs/${e.failedJobId}/output`), status: 409, code: "conflict" },
  { name: "job output: download=maybe", send: get((e) => `/api/jobs/${e.completedJobId}/output?download=maybe`), status: 400, code: "validation_failed" },
  { name: "thumbnail: unknown file", send: get("/api/files/nope/thumbnail"), status: 404, code: "not_found" },
  { name: "thumbnail: ../ to a real output .webp", send: get((e) => `/api/files/..%2Foutputs%2F${e.webpOutput.batchId}%2F${e.webpOutput.jobId}/thumbnail`), status: 404, code: "not_found" },
  { name: "preview-name: lower-case prefix", send: get("/api/batches/preview-name?customer_prefix=a;drop"), status: 400, code: "validation_failed" },
  { name: "preview-name: 1,001 file names", send: get(`/api/batches/preview-name?file_names=${Array.from({ length: 1001 }, (_, i) => `a${i}`).join(",")}`), status: 400, code: "validation_failed" },
  { name: "preview-name: unknown parameter", send: get("/api/batches/preview-name?debug=1"), status: 400, code: "validation_failed" },
];

for (const [area, cases] of [["upload", UPLOAD_REFUSALS], ["pipelines", PIPELINE_REFUSALS], ["queries", QUERY_REFUSALS]] as const) {
  for (const c of cases) {
    test(`${area}: ${c.name} -> ${c.status} ${c.code}`, async ({ request }) => {
      await waitForIdleQueue();
      const before = await storedState(request);
      await expectError(await c.send(request, env), c.status, c.code, c.file);
      // tmp/ is emptied as the refused upload's writes settle; everything else must not move at all.
      await expect.poll(() => storedState(request)).toEqual(before);
      await expectServerUp(request);
    });
  }
}

/** Answered by Next itself before any handler runs: right status, but Next's own (empty or HTML) body. */
const FRAMEWORK_REFUSALS: { name: string; send: Send; status: number }[] = [
  { name: "PUT /api/batches", send: (api) => api.put("/api/batches", { data: {} }), status: 405 },
  { name: "DELETE /api/batches", send: (api) => api.delete("/api/batches"), status: 405 },
  { name: "POST /api/batches/stats", send: (api) => api.post("/api/batches/stats"), status: 405 },
  { name: "GET /api/batches/:id/pause", send: (api, e) => api.get(`/api/batches/${e.batchId}/pause`), status: 405 },
  { name: "PUT /api/pipelines/:id", send: (api, e) => api.put(`/api/pipelines/${e.defaultPipelineId}`, { data: { name: "x" } }), status: 405 },
  { name: "POST /api/jobs/:id", send: (api, e) => api.post(`/api/jobs/${e.completedJobId}`), status: 405 },
  { name: "broken percent-encoding in an id", send: get("/api/batches/%E0%A4%A"), status: 400 },
];

for (const c of FRAMEWORK_REFUSALS) {
  test(`framework: ${c.name} -> ${c.status}`, async ({ request }) => {
    await waitForIdleQueue();
    const before = await storedState(request);
    const res = await c.send(request, env);
    expect(res.status()).toBe(c.status);
    expect(await res.text()).not.toMatch(/\bat .+:\d+:\d+|node_modules/); // no stack trace leaks
    await expect.poll(() => storedState(request)).toEqual(before);
    await expectServerUp(request);
  });
}

test("queries: SQL and FTS syntax in q is searched as text: 200, no match, nothing dropped", async ({ request }) => {
  const before = await storedState(request);
  for (const q of ["' OR 1=1 --", "x\"; DROP TABLE batches; --", "%", "_", "NEAR(a b)", "a* OR b*", "\u202Egnp"]) {
    const res = await request.get(`/api/batches?q=${encodeURIComponent(q)}`);
    expect(res.status(), q).toBe(200);
    expect((await res.json()).total, q).toBe(0);
  }
  expect(await storedState(request)).toEqual(before);
  await expectServerUp(request);
});

test("queries: ?__proto__= is dropped by Next before the handler: answered as the plain list", async ({ request }) => {
  const before = await storedState(request);
  const plain = await (await request.get("/api/batches?limit=5")).json();
  const res = await request.get("/api/batches?limit=5&__proto__=x");
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual(plain);
  expect(await storedState(request)).toEqual(before);
});

/** Accepted on purpose: the bytes are an accepted raster (or the name is merely odd); what happens next is the point. */
interface Accepted {
  name: string;
  send: Send;
  check: (batch: Awaited<ReturnType<typeof waitForBatch>>, files: ReturnType<typeof storedFiles>, api: APIRequestContext) => Promise<void> | void;
}

/** A reason a person can act on: a sentence, no decoder jargon, no stack. */
function expectPlainFailure(batch: Awaited<ReturnType<typeof waitForBatch>>, codes: string[]) {
  expect(batch.status).toBe("failed");
  for (const job of batch.jobs) {
    expect(job.status).toBe("failed");
    expect(codes).toContain(job.error!.code);
    expect(job.error!.message).toMatch(/^[A-Z][^\n]{10,200}\.$/);
    expect(job.error!.message).not.toMatch(/vips|spng|sharp|errno|Error:|\bat \S+:\d+/i);
  }
}

const NO_CONTROL = /[\p{Cc}\p{Cf}\\/]/u;
const ACCEPTED: Accepted[] = [
  {
    name: "PNG bytes named .jpg: typed by content, processed",
    send: upload(async () => [file("HOSTILE_photo.jpg", await fx.photo(20, 20, "png", 4))]),
    check: (batch, files) => {
      expect(files[0]!.mime).toBe("image/png");
      expect(batch.status).toBe("completed");
    },
  },
  {
    name: "truncated JPEG: the job fails as cut off, the thumbnail is a placeholder",
    send: upload(async () => [file("cut.jpg", await fx.truncatedJpeg())]),
    check: async (batch, _files, api) => {
      expectPlainFailure(batch, ["truncated_image"]);
      const thumb = await api.get(`/api/files/${batch.jobs[0]!.file_id}/thumbnail`);
      expect(thumb.status()).toBe(200);
      expect(thumb.headers()["x-thumbnail-placeholder"]).toBe("truncated_image");
    },
  },
  { name: "PNG with overwritten pixel data", send: upload(async () => [file("noise.png", await fx.corruptPixelsPng())]), check: (b) => expectPlainFailure(b, ["truncated_image", "corrupt_image"]) },
  { name: "GIF header glued to an HTML page (polyglot)", send: upload(() => [file("poly.gif", fx.gifHtmlPolyglot())]), check: (b) => expectPlainFailure(b, ["corrupt_image"]) },
  { name: "JPEG magic bytes then text", send: upload(() => [file("fake.jpg", fx.jpegMagicThenText)]), check: (b) => expectPlainFailure(b, ["truncated_image", "corrupt_image"]) },
  {
    name: "PNG with an HTML page and a ZIP header appended: the output carries neither",
    send: upload(async () => [file("trailer.png", await fx.pngWithTrailer())]),
    check: async (batch, _files, api) => {
      expect(batch.status).toBe("completed");
      const output = await api.get(batch.jobs[0]!.output_url!);
      expect(output.headers()["content-type"]).toBe("image/jpeg");
      expect(output.headers()["x-content-type-options"]).toBe("nosniff");
      const bytes = await output.body();
      expect(bytes.includes("<script")).toBe(false);
      expect(bytes.includes("PK\x03\x04")).toBe(false);
    },
  },
  {
    name: "unicode, RTL-override, zero-width and decomposed names",
    send: upload((e) => ["фото_😀.png", "invoice\u202Egnp.exe", "\u200Bzero\uFEFF.png", "שלום.png", "e\u0301te\u0301.png", "CON.png"].map((n) => file(n, e.good))),
    check: (_batch, files) => {
      expect(files.map((f) => f.safe_name)).toEqual(["фото_😀.png", "invoicegnp.exe", "zero.png", "שלום.png", "\u00e9t\u00e9.png", "CON.png"]);
      for (const f of files) expect(f.original_name).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    },
  },
  {
    name: "control characters through RFC 5987 filename*",
    send: upload((e) => [{ disposition: "form-data; name=\"files\"; filename*=UTF-8''a%00b%01c%1Bd%7Fe%0A.png", data: e.good }]),
    check: (_batch, files) => {
      expect(files[0]!.safe_name).toBe("abcde.png");
      expect(files[0]!.original_name).toBe("abcde.png");
    },
  },
  {
    name: "../ and absolute paths in multipart names",
    send: upload((e) => ["../../../etc/passwd", "/abs/dir/x.png", "C:\\Windows\\win.png", "..\\..\\y.png", "..", "/"].map((n) => file(n, e.good))),
    check: (_batch, files) => {
      expect(files.map((f) => f.safe_name).sort()).toEqual(["file", "file (2)", "passwd", "win.png", "x.png", "y.png"].sort());
      expect(files.map((f) => f.original_name).sort()).toEqual(["file", "file", "passwd", "win.png", "x.png", "y.png"].sort()); // shown without paths
      for (const f of files) expect(f.storage_key).toMatch(/^inputs\/[0-9a-f]{64}$/);
    },
  },
  {
    name: "../ and absolute paths in JSON names",
    send: uploadJson((e) => ({ files: ["../../escape.png", "/etc/shadow.png", "a/b/../c.png", "..\\..\\win.png"].map((n) => ({ file_name: n, file_data: b64(e.good) })) })),
    check: (_batch, files) => {
      expect(files.map((f) => f.safe_name)).toEqual(["escape.png", "shadow.png", "c.png", "win.png"]);
      expect(files.map((f) => f.original_name)).toEqual(["escape.png", "shadow.png", "c.png", "win.png"]); // shown without paths
      for (const f of files) expect(f.storage_key).toMatch(/^inputs\/[0-9a-f]{64}$/);
    },
  },
  {
    name: "duplicate names, also differing only in case",
    send: upload((e) => ["a.png", "a.png", "A.PNG", "a (2).png"].map((n) => file(n, e.good))),
    check: (_batch, files) => {
      const names = files.map((f) => f.safe_name.toLowerCase());
      expect(new Set(names).size).toBe(4);
      expect(files[0]!.safe_name).toBe("a.png");
    },
  },
  {
    name: "1,000-character name (the longest taken): capped, extension kept",
    send: upload((e) => [file(`${"L".repeat(996)}.png`, e.good)]),
    check: (_batch, files) => {
      expect([...files[0]!.safe_name].length).toBeLessThanOrEqual(180);
      expect(files[0]!.safe_name).toMatch(/^L+\.png$/);
      expect([...files[0]!.original_name].length).toBeLessThanOrEqual(1000);
    },
  },
  {
    name: "file part without a filename",
    send: upload((e) => [{ disposition: 'form-data; name="files"', contentType: "application/octet-stream", data: e.good }]),
    check: (_batch, files) => expect(files[0]!.safe_name).toBe("file"),
  },
];

for (const c of ACCEPTED) {
  test(`accepted: ${c.name}`, async ({ request }) => {
    const before = await storedState(request);
    const res = await c.send(request, env);
    expect(res.status(), (await res.text()).slice(0, 300)).toBe(201);
    const batch = await waitForBatch(request, JSON.parse(await res.text()).id);
    const files = storedFiles(batch.id as string);
    for (const f of files) expect(f.safe_name).not.toMatch(NO_CONTROL);
    await c.check(batch, files, request);
    const after = await storedState(request);
    expect(after.rows.batches).toBe(before.rows.batches! + 1);
    expect(after.tmp).toEqual([]);
    await expectServerUp(request);
  });
}
