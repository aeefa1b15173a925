import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as jobsRoute from "@/app/api/jobs/route";
import * as jobsBatchRoute from "@/app/api/jobs/batch/route";
import * as batchesRoute from "@/app/api/batches/route";
import * as uploadRoute from "@/app/api/batch/upload/route";
import * as batchJobsRoute from "@/app/api/batch/jobs/route";
import * as batchJobRoute from "@/app/api/batch/jobs/[id]/route";
import * as startRoute from "@/app/batch/start/route";
import * as pauseRoute from "@/app/batch/[id]/pause/route";
import * as resumeRoute from "@/app/batch/[id]/resume/route";
import * as cancelRoute from "@/app/batch/[id]/cancel/route";
import * as statusRoute from "@/app/batch/[id]/status/route";
import * as listRoute from "@/app/batch/list/route";
import * as recoverRoute from "@/app/batch/recover/route";
import * as cleanupRoute from "@/app/batch/cleanup/route";
import { createToken } from "@/features/auth/tokens";
import { createUser } from "@/features/auth/users";
import { ensureDefaultPipelines } from "@/features/pipelines/queries";
import { DEFAULT_PIPELINES } from "@/features/pipelines/schemas";
import { createTestContext, type TestContext } from "@/test/fixtures";

/**
 * The seed routes as the seed systems' clients call them: real route handlers (the modules
 * `next start` serves) on a real database, with a bearer token as scripts send it.
 */
const holder = globalThis as unknown as { __batchyardContext?: TestContext };
let ctx: TestContext;
let member: { auth: Record<string, string>; id: string };
let admin: { auth: Record<string, string>; id: string };

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function call(handler: unknown, path: string, options: { method?: string; auth?: Record<string, string>; json?: unknown; body?: BodyInit; params?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { host: "127.0.0.1:3000", "x-batchyard-peer": "127.0.0.1", ...options.auth };
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["content-type"] = "application/json";
  }
  const request = new Request(`http://127.0.0.1:3000${path}`, { method: options.method ?? (body ? "POST" : "GET"), headers, body });
  const response = await (handler as Handler)(request, { params: Promise.resolve(options.params ?? {}) });
  return { status: response.status, body: await response.json() };
}

const png = (shade: number) => sharp({ create: { width: 12, height: 8, channels: 3, background: { r: shade, g: 120, b: 40 } } }).png().toBuffer();
const b64 = async (shade: number) => (await png(shade)).toString("base64");

async function person(email: string, role: "admin" | "member") {
  const user = await createUser(ctx, { email, role, password: "password-123" });
  const { token } = createToken(ctx, { userId: user.id, role }, { name: "script", scope: role === "admin" ? "admin" : "write" });
  return { id: user.id, auth: { authorization: `Bearer ${token}` } };
}

beforeEach(async () => {
  ctx = createTestContext();
  holder.__batchyardContext = ctx;
  ensureDefaultPipelines(ctx.db, DEFAULT_PIPELINES, ctx.clock.now());
  member = await person("member@studio.test", "member");
  admin = await person("admin@studio.test", "admin");
});
afterEach(() => {
  holder.__batchyardContext = undefined;
  ctx.cleanup();
});

describe("seed 001: POST /api/jobs and /api/jobs/batch", () => {
  it("creates a batch for one base64 file through pipeline number 1, answering {job_id, batch_id, status: queued}", async () => {
    const res = await call(jobsRoute.POST, "/api/jobs", {
      auth: member.auth,
      json: { pipeline_id: 1, file_name: "PL_DXB_image.png", file_data: await b64(10), batch_description: "Single Test" },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ job_id: expect.any(String), batch_id: expect.any(String), status: "queued" });
    const row = ctx.db.$client.prepare("SELECT b.description, b.base_directory_name AS name, p.number FROM jobs j JOIN batches b ON b.id = j.batch_id JOIN pipelines p ON p.id = j.pipeline_id WHERE j.id = ?").get(res.body.job_id);
    expect(row).toEqual({ description: "Single Test", name: expect.stringMatching(/^PL_DXB_\d{4}-\d{2}-\d{2}_batch-1$/), number: 1 });
  });

  it("creates one batch for several files: {batch_id, base_directory_name, job_count, job_ids, status}", async () => {
    const files = [{ file_name: "PL_TEST_Front.png", file_data: await b64(1) }, { file_name: "PL_TEST_Side.png", file_data: await b64(2) }, { file_name: "PL_TEST_Back.png", file_data: await b64(3) }];
    const res = await call(jobsBatchRoute.POST, "/api/jobs/batch", { auth: member.auth, json: { pipeline_id: 1, files, batch_description: "Multi Test - 3 Files" } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      batch_id: expect.any(String),
      base_directory_name: expect.stringMatching(/^PL_TEST_\d{4}-\d{2}-\d{2}_batch-1$/),
      job_count: 3,
      job_ids: [expect.any(String), expect.any(String), expect.any(String)],
      status: "queued",
    });
    const list = await call(batchesRoute.GET, "/api/batches?status=Pending&customer_prefix=PL_TEST&sort_by=created_at&sort_order=DESC", { auth: member.auth });
    expect(list.status).toBe(200);
    expect(list.body.data[0]).toMatchObject({ id: res.body.batch_id, render_description: "Multi Test - 3 Files", customer_prefix: "PL_TEST", total_files: 3, total_pipelines: 1 });
  });

  it("names the seed's own fields in a refusal and needs a token", async () => {
    const missing = await call(jobsRoute.POST, "/api/jobs", { auth: member.auth, json: { pipeline_id: 1, file_data: await b64(1) } });
    expect([missing.status, missing.body.error.code, missing.body.error.message]).toEqual([400, "validation_failed", expect.stringContaining("file_name")]);
    const unknown = await call(jobsRoute.POST, "/api/jobs", { auth: member.auth, json: { pipeline_id: 42, file_name: "a.png", file_data: await b64(1) } });
    expect([unknown.status, unknown.body.error.code]).toEqual([400, "unknown_pipeline"]);
    expect((await call(jobsRoute.POST, "/api/jobs", { json: { file_name: "a.png", file_data: "" } })).status).toBe(401);
  });
});

describe("seed 004: /api/batch/upload, /api/batch/jobs, /api/batch/jobs/[id]", () => {
  async function upload(auth: Record<string, string>, fields: Record<string, string> = {}) {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(await png(5))]), "menu1.png");
    form.append("file", new Blob([new Uint8Array(await png(6))]), "menu2.png");
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    return call(uploadRoute.POST, "/api/batch/upload", { auth, body: form });
  }

  it("uploads repeated `file` fields with priority and user_id into a {success, data} envelope", async () => {
    const res = await upload(member.auth, { priority: "high", user_id: member.id });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      success: true,
      data: {
        batchId: expect.any(String),
        totalFiles: 2,
        status: "pending",
        files: [
          { id: expect.any(String), filename: "menu1.png", fileSize: expect.any(Number), status: "pending" },
          { id: expect.any(String), filename: "menu2.png", fileSize: expect.any(Number), status: "pending" },
        ],
      },
    });
  });

  it("lists with limit, offset, status and userId, and details a batch with progressPercent, files and summary", async () => {
    const mine = (await upload(member.auth, { priority: "high" })).body.data.batchId;
    const theirs = (await upload(admin.auth, { priority: "low" })).body.data.batchId;
    ctx.clock.advance(1);
    const byUser = await call(batchJobsRoute.GET, `/api/batch/jobs?limit=10&userId=${member.id}`, { auth: admin.auth });
    expect(byUser.body).toEqual({
      success: true,
      data: [{ id: mine, user_id: member.id, status: "pending", total_files: 2, processed_files: 0, failed_files: 0, priority: "high", created_at: expect.any(String), started_at: null, completed_at: null }],
    });
    const byEmail = await call(batchJobsRoute.GET, "/api/batch/jobs?userId=admin@studio.test&status=Pending", { auth: member.auth });
    expect(byEmail.body.data.map((b: { id: string }) => b.id)).toEqual([theirs]);
    expect((await call(batchJobsRoute.GET, "/api/batch/jobs?limit=1&offset=1", { auth: member.auth })).body.data).toHaveLength(1);
    expect((await call(batchJobsRoute.GET, "/api/batch/jobs?status=completed", { auth: member.auth })).body).toEqual({ success: true, data: [] });

    const detail = await call(batchJobRoute.GET, `/api/batch/jobs/${mine}`, { auth: member.auth, params: { id: mine } });
    expect(detail.body).toMatchObject({
      success: true,
      data: {
        batch: { id: mine, status: "pending", total_files: 2, processed_files: 0, failed_files: 0, progressPercent: 0 },
        files: [{ filename: "menu1.png", status: "pending", progress: 0 }, { filename: "menu2.png", status: "pending", progress: 0 }],
        summary: { total: 2, completed: 0, processing: 0, pending: 2, failed: 0 },
      },
    });
  });

  it("answers errors as {success: false, error} with the right status, auth errors included", async () => {
    expect(await call(batchJobRoute.GET, "/api/batch/jobs/nope", { auth: member.auth, params: { id: "nope" } })).toEqual({
      status: 404,
      body: { success: false, error: "No batch with id nope.", code: "not_found" },
    });
    expect(await call(batchJobsRoute.GET, "/api/batch/jobs")).toMatchObject({ status: 401, body: { success: false, code: "unauthenticated" } });
    expect(await call(batchJobsRoute.GET, "/api/batch/jobs?status=done", { auth: member.auth })).toMatchObject({ status: 400, body: { success: false, error: expect.stringContaining("status") } });
    expect(await upload(member.auth, { user_id: admin.id })).toMatchObject({ status: 403, body: { success: false, code: "forbidden" } });
  });
});

describe("seed 003: /batch/start, controls, status, list, recover, cleanup", () => {
  async function storedFileIds(): Promise<string[]> {
    const files = [{ file_name: "PH_a.png", file_data: await b64(7) }, { file_name: "PH_b.png", file_data: await b64(8) }];
    const res = await call(batchesRoute.POST, "/api/batches", { auth: member.auth, json: { files } });
    return [...new Set((res.body.jobs as { file_id: string }[]).map((j) => j.file_id))];
  }

  it("starts a batch from stored photos with a session id, and pauses, resumes and cancels it", async () => {
    const photoIds = await storedFileIds();
    const started = await call(startRoute.POST, "/batch/start", {
      auth: member.auth,
      json: { photo_ids: photoIds, session_id: 123, config: { preset: "WhiteLayer_v4", blend: 60, pipeline_id: 2 } },
    });
    expect(started).toEqual({ status: 201, body: { message: "Batch processing started", batch_id: expect.any(String), photo_count: 2 } });
    const id = started.body.batch_id as string;
    const status = await call(statusRoute.GET, `/batch/${id}/status`, { auth: member.auth, params: { id } });
    expect(status.body).toEqual({
      batch_id: id,
      session_id: 123,
      status: "pending",
      total_photos: 2,
      processed_count: 0,
      failed_count: 0,
      progress_percent: 0,
      created_at: expect.any(String),
      started_at: null,
      paused_at: null,
      completed_at: null,
    });
    expect(await call(pauseRoute.POST, `/batch/${id}/pause`, { method: "POST", auth: member.auth, params: { id } })).toEqual({ status: 200, body: { message: "Batch paused successfully", batch_id: id } });
    const listed = await call(listRoute.GET, "/batch/list", { auth: admin.auth });
    expect(listed.body).toEqual({
      batches: [
        { batch_id: id, session_id: 123, status: "paused", total_photos: 2, processed_count: 0, failed_count: 0, progress_percent: 0, created_at: expect.any(String) },
        expect.objectContaining({ session_id: null, status: "pending" }), // the upload the photos came from
      ],
      count: 2,
    });
    expect((await call(pauseRoute.POST, `/batch/${id}/pause`, { method: "POST", auth: member.auth, params: { id } })).status).toBe(409);
    expect(await call(resumeRoute.POST, `/batch/${id}/resume`, { method: "POST", auth: member.auth, params: { id } })).toEqual({ status: 200, body: { message: "Batch resumed successfully", batch_id: id } });
    expect(await call(cancelRoute.POST, `/batch/${id}/cancel`, { method: "POST", auth: admin.auth, params: { id } })).toEqual({ status: 200, body: { message: "Batch cancelled successfully", batch_id: id } });
    expect((await call(statusRoute.GET, `/batch/${id}/status`, { auth: member.auth, params: { id } })).body.status).toBe("cancelled");
    expect((await call(listRoute.GET, "/batch/list", { auth: member.auth })).body.count).toBe(1); // only the upload is still active
  });

  it("refuses unknown photo ids, someone else's batch, and maintenance for members", async () => {
    const unknown = await call(startRoute.POST, "/batch/start", { auth: member.auth, json: { photo_ids: [1, 2, 3] } });
    expect([unknown.status, unknown.body.error.message]).toEqual([400, "No stored file with id 1, 2, 3."]);
    const photoIds = await storedFileIds();
    const id = (await call(startRoute.POST, "/batch/start", { auth: admin.auth, json: { photo_ids: photoIds } })).body.batch_id as string;
    expect((await call(pauseRoute.POST, `/batch/${id}/pause`, { method: "POST", auth: member.auth, params: { id } })).status).toBe(403);
    expect((await call(recoverRoute.POST, "/batch/recover", { method: "POST", auth: member.auth })).status).toBe(403);
    expect((await call(cleanupRoute.POST, "/batch/cleanup", { auth: member.auth, json: { days_old: 7 } })).status).toBe(403);
  });

  it("recovers and cleans up for admins in the seed's shapes", async () => {
    expect(await call(recoverRoute.POST, "/batch/recover", { method: "POST", auth: admin.auth })).toEqual({
      status: 200,
      body: { message: "Batch recovery completed", recovered_count: 0, failed_count: 0, paused_count: 0, timestamp: new Date(ctx.clock.now()).toISOString() },
    });
    expect(await call(cleanupRoute.POST, "/batch/cleanup", { auth: admin.auth, json: { days_old: 7 } })).toEqual({
      status: 200,
      body: { message: "Batch cleanup completed", cleaned_count: 0, days_old: 7 },
    });
  });
});
