import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileStatus, tallyFiles } from "@/features/batches/file-progress";
import { refreshBatch } from "@/features/queue/batch-status";
import { addBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { sessionIdOf } from "./files";
import { mapBatchJobsBody, mapSingleJobBody, seed001Status } from "./seed001";
import { batchStatus, seed003Status } from "./seed003";
import { getBatchJob } from "./seed004";

describe("status names", () => {
  it("spell ours as each seed does: queued in 001, running in 003, ours in 004", () => {
    expect(["pending", "processing", "paused", "completed", "failed", "cancelled"].map(seed001Status)).toEqual(["queued", "processing", "paused", "completed", "failed", "cancelled"]);
    expect(["pending", "processing", "paused", "completed", "failed", "cancelled"].map(seed003Status)).toEqual(["pending", "running", "paused", "completed", "failed", "cancelled"]);
  });

  it("derive a file's status from its jobs (one per pipeline)", () => {
    const c = (counts: Partial<Record<"pending" | "processing" | "completed" | "failed" | "cancelled", number>>) => ({ pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0, ...counts });
    expect(fileStatus(c({ pending: 2 }))).toBe("pending");
    expect(fileStatus(c({ pending: 1, completed: 1 }))).toBe("processing");
    expect(fileStatus(c({ processing: 1, pending: 1 }))).toBe("processing");
    expect(fileStatus(c({ completed: 2 }))).toBe("completed");
    expect(fileStatus(c({ completed: 1, failed: 1 }))).toBe("failed");
    expect(fileStatus(c({ completed: 1, cancelled: 1 }))).toBe("completed");
    expect(fileStatus(c({ cancelled: 2 }))).toBe("cancelled");
    expect(tallyFiles(["pending", "completed", "failed", "cancelled"])).toEqual({ total: 4, finished: 3, pending: 1, processing: 0, completed: 1, failed: 1, cancelled: 1 });
  });
});

describe("seed 001 bodies", () => {
  it("map onto our JSON upload: batch_description -> description, an integer pipeline_id kept for lookup", () => {
    expect(mapSingleJobBody({ pipeline_id: 1, file_name: "PL_DXB_image.png", file_data: "AAAA", batch_description: "Single Test" })).toEqual({
      pipeline_id: 1,
      description: "Single Test",
      files: [{ file_name: "PL_DXB_image.png", file_data: "AAAA" }],
    });
    expect(mapBatchJobsBody({ pipeline_id: "abc", files: [{ file_name: "a.png", file_data: "" }] })).toEqual({ pipeline_id: "abc", files: [{ file_name: "a.png", file_data: "" }] });
    expect(() => mapSingleJobBody({ file_name: "a.png", file_data: "", colour: "red" })).toThrow(/colour/);
    expect(() => mapBatchJobsBody({ files: [] })).toThrow(/files/);
  });
});

describe("session ids", () => {
  it("come back as the seed sent them: integers as numbers, other text as text", () => {
    expect([sessionIdOf("123"), sessionIdOf("s-9"), sessionIdOf(null)]).toEqual([123, "s-9", null]);
  });
});

describe("a batch seen file by file (seeds 003 and 004)", () => {
  let ctx: TestContext;
  beforeEach(() => void (ctx = createTestContext()));
  afterEach(() => ctx.cleanup());

  it("counts files, not jobs, and shows each file's result or error", () => {
    const { batchId, jobIds } = addBatch(ctx, { files: ["a.png", "b.png", "c.png"], pipelines: 2 });
    const set = ctx.db.$client.prepare("UPDATE jobs SET status = ?, progress = ?, error_code = ?, error_message = ?, output_name = ?, output_size = ? WHERE id = ?");
    // a.png: both pipelines done; b.png: one done, one failed; c.png: one running at 40 %.
    set.run("completed", 1, null, null, "a.jpg", 100, jobIds[0]);
    set.run("completed", 1, null, null, "a.webp", 80, jobIds[1]);
    set.run("completed", 1, null, null, "b.jpg", 90, jobIds[2]);
    set.run("failed", 0, "timeout", "Processing timeout exceeded", null, null, jobIds[3]);
    set.run("processing", 0.4, null, null, null, null, jobIds[4]);
    refreshBatch(ctx.db.$client, batchId, ctx.clock.now());

    const { data } = getBatchJob(ctx, batchId);
    expect(data.batch).toMatchObject({ total_files: 3, processed_files: 2, failed_files: 1, progressPercent: 67, status: "processing" });
    expect(data.summary).toEqual({ total: 3, completed: 1, processing: 1, pending: 0, failed: 1, cancelled: 0 });
    const [a, b, c] = data.files;
    expect(a).toMatchObject({ filename: "a.png", status: "completed", progress: 100 });
    expect(JSON.parse(a!.result!).outputs.map((o: { name: string }) => o.name).sort()).toEqual(["a.jpg", "a.webp"]);
    expect(b).toMatchObject({ filename: "b.png", status: "failed", progress: 100, error: "Processing timeout exceeded" });
    expect(c).toEqual({ id: expect.any(String), filename: "c.png", fileSize: 100, status: "processing", progress: 20 });

    expect(batchStatus(ctx, batchId)).toMatchObject({ status: "running", total_photos: 3, processed_count: 1, failed_count: 1, progress_percent: 66.7, session_id: null });
  });
});
