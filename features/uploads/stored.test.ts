import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createUser } from "@/features/auth/users";
import { deleteBatchWithFiles } from "@/features/batches/delete";
import { getBatchDetail } from "@/features/batches/detail";
import { ensureDefaultPipelines } from "@/features/pipelines/queries";
import { DEFAULT_PIPELINES } from "@/features/pipelines/schemas";
import { AppError } from "@/features/shared/errors";
import { createTestContext, type TestContext } from "@/test/fixtures";
import { acceptUpload } from "./service";
import { createBatchFromStoredFiles } from "./stored";

let ctx: TestContext;
let memberId: string;

beforeEach(async () => {
  ctx = createTestContext({ UPLOAD_RATE_LIMIT: "2/hour" });
  ensureDefaultPipelines(ctx.db, DEFAULT_PIPELINES, ctx.clock.now());
  memberId = (await createUser(ctx, { email: "m@example.com", role: "member", password: "password-123" })).id;
});
afterEach(() => ctx.cleanup());

/** An uploaded batch of PL_DXB files (one upload of the member's allowance); returns its file ids. */
async function uploaded(): Promise<{ batchId: string; fileIds: string[] }> {
  const form = new FormData();
  for (const [i, name] of ["PL_DXB_front.png", "PL_DXB_side.png"].entries()) {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 40 * i, g: 90, b: 10 } } }).png().toBuffer();
    form.append("files", new Blob([new Uint8Array(png)]), name);
  }
  const request = new Request("http://local/api/batches", { method: "POST", body: form });
  const { batch } = await acceptUpload(ctx, request, { userId: memberId, email: "m@example.com", role: "member", scope: "write", via: "token" });
  return { batchId: batch.id, fileIds: [...new Set(batch.jobs.map((j) => j.file_id))] };
}

async function refusal(fn: () => unknown): Promise<AppError> {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected a refusal");
}

describe("createBatchFromStoredFiles", () => {
  it("makes a named batch from stored originals through the given pipelines, reusing the inputs", async () => {
    const source = await uploaded();
    const inputsBefore = fs.readdirSync(ctx.paths.inputs).sort();
    const { batchId } = createBatchFromStoredFiles(ctx, {
      fileIds: [...source.fileIds, source.fileIds[0]!],
      pipelineIds: ["1", "3"],
      owner: memberId,
      description: "Re-render",
      priority: "high",
      externalRef: "123",
    });
    const batch = getBatchDetail(ctx, batchId);
    expect(batch).toMatchObject({
      base_directory_name: `PL_DXB_${batch.batch_date}_batch-2`,
      description: "Re-render",
      priority: "high",
      external_ref: "123",
      owner_id: memberId,
      total_files: 2,
      total_jobs: 4,
      total_pipelines: 2,
      status: "pending",
    });
    expect(batch.pipelines.map((p) => p.name).sort()).toEqual([DEFAULT_PIPELINES[0]!.name, DEFAULT_PIPELINES[2]!.name].sort());
    expect(fs.readdirSync(ctx.paths.inputs).sort()).toEqual(inputsBefore);
    const newFileIds = [...new Set(batch.jobs.map((j) => j.file_id))];
    expect(newFileIds.some((id) => source.fileIds.includes(id))).toBe(false);

    // The source batch can go: its inputs stay for the new batch.
    deleteBatchWithFiles(ctx, source.batchId);
    expect(fs.readdirSync(ctx.paths.inputs).sort()).toEqual(inputsBefore);
  });

  it("counts against the owner's allowance like an upload", async () => {
    const source = await uploaded();
    createBatchFromStoredFiles(ctx, { fileIds: source.fileIds, pipelineIds: [], owner: memberId });
    const error = await refusal(() => createBatchFromStoredFiles(ctx, { fileIds: source.fileIds, pipelineIds: [], owner: memberId }));
    expect([error.code, error.status, error.headers?.["Retry-After"]]).toEqual(["rate_limited", 429, "3600"]);
  });

  it("refuses unknown ids (400), a gone original (409), unknown pipelines, and too many files, storing nothing", async () => {
    const source = await uploaded();
    const batches = () => (ctx.db.$client.prepare("SELECT count(*) AS n FROM batches").get() as { n: number }).n;
    const unknown = await refusal(() => createBatchFromStoredFiles(ctx, { fileIds: [source.fileIds[0]!, "1", "2"], pipelineIds: [], owner: memberId }));
    expect([unknown.status, unknown.message, unknown.details?.unknown_file_ids]).toEqual([400, "No stored file with id 1, 2.", ["1", "2"]]);
    const pipeline = await refusal(() => createBatchFromStoredFiles(ctx, { fileIds: source.fileIds, pipelineIds: ["99"], owner: memberId }));
    expect(pipeline.code).toBe("unknown_pipeline");
    const none = await refusal(() => createBatchFromStoredFiles(ctx, { fileIds: [], pipelineIds: [], owner: memberId }));
    expect(none.code).toBe("no_files");
    const many = Array.from({ length: ctx.config.MAX_FILES_PER_BATCH + 1 }, (_, i) => `f${i}`);
    expect((await refusal(() => createBatchFromStoredFiles(ctx, { fileIds: many, pipelineIds: [], owner: memberId }))).code).toBe("too_many_files");

    for (const name of fs.readdirSync(ctx.paths.inputs)) fs.rmSync(path.join(ctx.paths.inputs, name));
    const gone = await refusal(() => createBatchFromStoredFiles(ctx, { fileIds: source.fileIds, pipelineIds: [], owner: memberId }));
    expect([gone.status, gone.details?.missing_file_ids]).toEqual([409, source.fileIds]);
    expect(batches()).toBe(1);
  });
});
