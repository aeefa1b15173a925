import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureDefaultPipelines } from "@/features/pipelines/queries";
import { DEFAULT_PIPELINES } from "@/features/pipelines/schemas";
import { AppError } from "@/features/shared/errors";
import { createTestContext, type TestContext } from "@/test/fixtures";
import { rateLimitState, uploadAllowance } from "./rate-limit";
import { createUser } from "@/features/auth/users";
import type { Principal } from "@/features/auth/scopes";
import { acceptUpload, previewBatchName } from "./service";
import { cleanUploadTmp } from "./staging";

let ctx: TestContext;
let member: Principal;
let other: Principal;
let admin: Principal;

async function principal(email: string, role: "admin" | "member"): Promise<Principal> {
  const user = await createUser(ctx, { email, role, password: "password-123" });
  return { userId: user.id, email, role, scope: role === "admin" ? "admin" : "write", via: "token" };
}

async function png(seed: number, size = 16): Promise<Buffer> {
  const raw = Buffer.alloc(size * size * 3, seed & 0xff);
  return sharp(raw, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
}

function multipart(files: { name: string; data: Buffer }[], fields: Record<string, string | string[]> = {}, headers: Record<string, string> = {}) {
  const form = new FormData();
  for (const f of files) form.append("files", new Blob([new Uint8Array(f.data)]), f.name);
  for (const [k, v] of Object.entries(fields)) for (const value of [v].flat()) form.append(k, value);
  return new Request("http://local/api/batches", { method: "POST", body: form, headers });
}

function jsonRequest(body: unknown, headers: Record<string, string> = {}) {
  return new Request("http://local/api/batches", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });
}

const count = (table: string) => (ctx.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const dirCount = (dir: string) => fs.readdirSync(dir).length;
const snapshot = () => ({
  batches: count("batches"),
  files: count("files"),
  jobs: count("jobs"),
  events: count("rate_limit_events"),
  inputs: dirCount(ctx.paths.inputs),
  tmp: dirCount(ctx.paths.tmp),
});

const acceptUploadAs = (uploader: Principal, request: Request) => acceptUpload(ctx, request, uploader);

async function refusal(request: Request, uploader = member): Promise<AppError> {
  const error = await acceptUploadAs(uploader, request).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

beforeEach(async () => {
  ctx = createTestContext({ UPLOAD_RATE_LIMIT: "2/hour", MAX_FILES_PER_BATCH: "3", MAX_FILE_SIZE_MB: "0.01", MAX_FORM_FIELDS: "5", MAX_FIELD_KB: "1" });
  ensureDefaultPipelines(ctx.db, DEFAULT_PIPELINES, ctx.clock.now());
  member = await principal("member@example.test", "member");
  other = await principal("other@example.test", "member");
  admin = await principal("admin@example.test", "admin");
});
afterEach(() => ctx.cleanup());

describe("acceptUpload", () => {
  it("stores files once by content and creates files x pipelines jobs in one batch", async () => {
    const a = await png(1);
    const pipelineIds = (ctx.db.$client.prepare("SELECT id FROM pipelines ORDER BY created_at LIMIT 2").all() as { id: string }[]).map((p) => p.id);
    const { batch, created } = await acceptUploadAs(member, multipart([{ name: "PL_DXB_a.png", data: a }, { name: "PL_DXB_a.png", data: a }], { pipeline_id: pipelineIds, priority: "high" }));
    expect(created).toBe(true);
    expect(batch.base_directory_name).toBe("PL_DXB_2025-11-05_batch-1");
    expect(batch).toMatchObject({ total_files: 2, total_jobs: 4, priority: "high", status: "pending", total_size: a.length * 2 });
    expect(batch.description).toMatch(/^2 files · /);
    expect(new Set(batch.jobs.map((j) => j.file_name))).toEqual(new Set(["PL_DXB_a.png"]));
    const safe = ctx.db.$client.prepare("SELECT safe_name, width, height, mime FROM files ORDER BY safe_name").all();
    expect(safe).toEqual([
      { safe_name: "PL_DXB_a (2).png", width: 16, height: 16, mime: "image/png" },
      { safe_name: "PL_DXB_a.png", width: 16, height: 16, mime: "image/png" },
    ]);
    expect(dirCount(ctx.paths.inputs)).toBe(1);
    expect(dirCount(ctx.paths.tmp)).toBe(0);
  });

  it("refuses bad input with nothing stored, naming the file", async () => {
    const before = snapshot();
    const good = await png(2);
    const cases: [Request, string, string | undefined][] = [
      [multipart([{ name: "a.png", data: good }, { name: "evil.svg", data: Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>") }]), "unsupported_media_type", "evil.svg"],
      [multipart([{ name: "a.png", data: good }, { name: "big.png", data: Buffer.alloc(20_000, 1) }]), "file_too_large", "big.png"],
      [multipart([1, 2, 3, 4].map((i) => ({ name: `f${i}.png`, data: good }))), "too_many_files", "f4.png"],
      [multipart([{ name: "a.png", data: good }], { priority: "urgent" }), "validation_failed", undefined],
      [multipart([{ name: "a.png", data: good }], { customer_prefix: "pl_dxb" }), "validation_failed", undefined],
      [multipart([{ name: "a.png", data: good }], { pipeline_id: "nope" }), "unknown_pipeline", undefined],
      [multipart([], { priority: "low" }), "no_files", undefined],
      [multipart([{ name: "a.png", data: good }], { pipeline_id: ["a", "b", "c", "d", "e", "f"] }), "payload_too_large", undefined], // MAX_FORM_FIELDS=5
      [multipart([{ name: "a.png", data: good }], { description: "x".repeat(1025) }), "payload_too_large", undefined], // MAX_FIELD_KB=1
      [jsonRequest({ files: [{ file_name: "x.html", file_data: Buffer.from("<html></html>").toString("base64") }] }), "unsupported_media_type", "x.html"],
      [new Request("http://local/api/batches", { method: "POST", body: "{", headers: { "content-type": "application/json" } }), "invalid_json", undefined],
    ];
    for (const [request, code, file] of cases) {
      const error = await refusal(request);
      expect(error.code, error.message).toBe(code);
      if (file) {
        expect(error.details?.file).toBe(file);
        expect(error.message).toContain(file);
      }
      expect(snapshot()).toEqual(before);
    }
  });

  it("limits uploads per user in a sliding window that counts only accepted uploads, whatever X-Forwarded-For says", async () => {
    const data = await png(3);
    const forged = (ip: string) => ({ "x-forwarded-for": `${ip}, 10.0.0.1` });
    expect(rateLimitState(ctx, uploadAllowance(ctx, member.userId), ctx.clock.now())).toMatchObject({ limit: 2, remaining: 2, reset_at: null });
    await refusal(multipart([{ name: "x.svg", data: Buffer.from("<svg/>") }]));
    await acceptUploadAs(member, multipart([{ name: "a.png", data }], {}, forged("203.0.113.9")));
    ctx.clock.advance(10 * 60_000);
    await acceptUploadAs(member, multipart([{ name: "b.png", data }], {}, forged("198.51.100.7")));
    expect(rateLimitState(ctx, uploadAllowance(ctx, member.userId), ctx.clock.now()).remaining).toBe(0);
    // A new forged address does not buy a fresh allowance.
    const limited = await refusal(multipart([{ name: "c.png", data }], {}, forged("192.0.2.55")));
    expect(limited.code).toBe("rate_limited");
    expect(limited.headers?.["Retry-After"]).toBe(String(50 * 60));
    // Another member is not affected; admins are not limited by default.
    await acceptUploadAs(other, multipart([{ name: "d.png", data }]));
    for (const name of ["f.png", "g.png", "h.png"]) await acceptUploadAs(admin, multipart([{ name, data }]));
    // The first slot frees once the oldest upload leaves the window.
    ctx.clock.advance(50 * 60_000 + 1);
    await acceptUploadAs(member, multipart([{ name: "e.png", data }]));
    expect(count("batches")).toBe(7);
  });

  it("gives each batch its uploader as owner; admins may upload on behalf of a user, members may not", async () => {
    const data = await png(9);
    const own = await acceptUploadAs(member, multipart([{ name: "a.png", data }]));
    expect(own.batch.owner_id).toBe(member.userId);
    const onBehalf = await acceptUploadAs(admin, multipart([{ name: "b.png", data }], { user_id: "other@example.test" }));
    expect(onBehalf.batch.owner_id).toBe(other.userId);
    // The batch counts against the owner's allowance, not the admin's.
    expect(rateLimitState(ctx, uploadAllowance(ctx, other.userId), ctx.clock.now()).remaining).toBe(1);
    const before = snapshot();
    expect((await refusal(multipart([{ name: "c.png", data }], { user_id: other.userId }))).code).toBe("forbidden");
    expect((await refusal(multipart([{ name: "c.png", data }], { user_id: "nobody@example.test" }), admin)).code).toBe("validation_failed");
    expect(snapshot()).toEqual(before);
  });

  it("answers a repeated Idempotency-Key with the first batch and stores nothing", async () => {
    const headers = { "idempotency-key": "order-42" };
    const first = await acceptUploadAs(member, multipart([{ name: "a.png", data: await png(4) }], {}, headers));
    const before = snapshot();
    const again = await acceptUploadAs(member, multipart([{ name: "b.png", data: await png(5) }], {}, headers));
    expect(again).toMatchObject({ created: false, batch: { id: first.batch.id } });
    expect(snapshot()).toEqual(before);
    ctx.clock.advance(24 * 3_600_000 + 1);
    const later = await acceptUploadAs(member, multipart([{ name: "c.png", data: await png(6) }], {}, headers));
    expect(later.created).toBe(true);
    expect(later.batch.id).not.toBe(first.batch.id);
  });

  it("accepts the JSON variant with base64 files", async () => {
    const data = await png(7);
    const { batch } = await acceptUploadAs(member, jsonRequest({ files: [{ file_name: "../../etc/AB_x.png", file_data: data.toString("base64") }], customer_prefix: "ZZ", description: "from a script" }));
    expect(batch).toMatchObject({ base_directory_name: "ZZ_2025-11-05_batch-1", description: "from a script", total_files: 1 });
    expect(ctx.db.$client.prepare("SELECT safe_name, storage_key FROM files").get()).toEqual({ safe_name: "AB_x.png", storage_key: expect.stringMatching(/^inputs\/[0-9a-f]{64}$/) });
  });

  it("names pipelines by integer number in JSON and keeps an external_ref, in either body", async () => {
    const data = (await png(9)).toString("base64");
    const viaJson = await acceptUploadAs(member, jsonRequest({ files: [{ file_name: "a.png", file_data: data }], pipeline_id: [1, 3], external_ref: "order-77" }));
    expect(viaJson.batch).toMatchObject({ total_pipelines: 2, external_ref: "order-77" });
    expect(viaJson.batch.pipelines.map((p) => p.name).sort()).toEqual([DEFAULT_PIPELINES[0]!.name, DEFAULT_PIPELINES[2]!.name].sort());
    const viaForm = await acceptUploadAs(admin, multipart([{ name: "b.png", data: await png(10) }], { pipeline_id: "2", external_ref: "order-78" }));
    expect(viaForm.batch).toMatchObject({ total_pipelines: 1, external_ref: "order-78", pipelines: [{ name: DEFAULT_PIPELINES[1]!.name }] });
  });
});

describe("previewBatchName and cleanUploadTmp", () => {
  it("previews the next counter without reserving it", async () => {
    expect(previewBatchName(ctx, { file_names: ["PL_a.png"] }).base_directory_name).toBe("PL_2025-11-05_batch-1");
    await acceptUploadAs(member, multipart([{ name: "PL_a.png", data: await png(8) }]));
    expect(previewBatchName(ctx, { file_names: ["PL_b.png"] }).batch_counter).toBe(2);
    expect(previewBatchName(ctx, { file_names: [] }).customer_prefix).toBe("BATCH");
  });

  it("empties tmp/", () => {
    fs.writeFileSync(path.join(ctx.paths.tmp, "left.part"), "x");
    expect(cleanUploadTmp(ctx)).toBe(1);
    expect(dirCount(ctx.paths.tmp)).toBe(0);
  });
});
