import path from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JobRow } from "@/db/schema";
import { refreshBatch } from "@/features/batches/status";
import { JobError } from "@/features/queue/types";
import { createTestContext, type TestContext } from "@/features/shared/testing";
import { processImageJob } from "./processor";
import { addPipeline, createBatch, gradient, processContext } from "./test-fixtures";

/**
 * A batch of files through two pipelines. The queue engine (features/queue) is built in parallel;
 * this drives the jobs with the same rules it follows: claim -> run -> completed, permanent error ->
 * failed at once, transient -> retried up to max_attempts, every change with refreshBatch in the
 * same transaction, three jobs at a time.
 */
function drive(ctx: TestContext, concurrency = 3): Promise<void> {
  const sqlite = ctx.db.$client;
  const claim = sqlite.transaction((): JobRow | undefined => {
    const job = ctx.db.query.jobs.findFirst({ where: (j, { eq }) => eq(j.status, "pending") }).sync();
    if (!job) return undefined;
    sqlite.prepare("UPDATE jobs SET status = 'processing', attempts = attempts + 1 WHERE id = ?").run(job.id);
    refreshBatch(sqlite, job.batchId, ctx.clock.now());
    return { ...job, attempts: job.attempts + 1 };
  });
  const finish = sqlite.transaction((job: JobRow, set: string, values: unknown[]) => {
    sqlite.prepare(`UPDATE jobs SET ${set} WHERE id = ?`).run(...values, job.id);
    refreshBatch(sqlite, job.batchId, ctx.clock.now());
  });
  const worker = async () => {
    for (let job = claim.immediate(); job; job = claim.immediate()) {
      try {
        const r = await processImageJob({ job, attempt: job.attempts, leaseToken: "t" }, processContext(ctx));
        finish.immediate(job, "status = 'completed', progress = 1, output_key = ?, output_name = ?, output_size = ?, output_width = ?, output_height = ?", [
          r.outputKey, r.outputName, r.outputSize, r.outputWidth, r.outputHeight,
        ]);
      } catch (error) {
        const e = error instanceof JobError ? error : new JobError("transient", "unknown", String(error));
        const retry = e.kind === "transient" && job.attempts < job.maxAttempts;
        finish.immediate(job, "status = ?, error_code = ?, error_message = ?", [retry ? "pending" : "failed", e.code, e.message]);
      }
    }
  };
  return Promise.all(Array.from({ length: concurrency }, worker)).then(() => undefined);
}

let ctx: TestContext;
beforeEach(() => void (ctx = createTestContext()));
afterEach(() => ctx.cleanup());

describe("a batch through two pipelines", () => {
  it("makes files x pipelines outputs that decode to their specs; a corrupt file fails alone, once", async () => {
    const webp = addPipeline(ctx, { name: "Web 300", format: "webp", width: 300, height: 300, quality: 80 });
    const png = addPipeline(ctx, { name: "PNG 24-bit 120", format: "png", width: 120, alpha: false, background: "#000000" });
    const good = await Promise.all([
      gradient(800, 600, "jpeg"),
      gradient(600, 800, "png"),
      gradient(1000, 400, "webp"),
      gradient(200, 150, "tiff"),
    ]);
    const full = await gradient(500, 500, "jpeg");
    const inputs = [
      ...good.map((data, i) => ({ name: `PL_DXB_photo-${i}.img`, data })),
      { name: "PL_DXB_broken.jpg", data: full.subarray(0, 400), mime: "image/jpeg" },
    ];
    const { batchId, files } = createBatch(ctx, inputs, [webp, png]);
    await drive(ctx);

    const jobs = ctx.db.query.jobs.findMany({ where: (j, { eq }) => eq(j.batchId, batchId) }).sync();
    expect(jobs).toHaveLength(files.length * 2);
    const broken = files.at(-1)!.id;
    for (const job of jobs.filter((j) => j.fileId === broken)) {
      expect([job.status, job.attempts]).toEqual(["failed", 1]);
      // sharp reports a cut-off JPEG either with libjpeg's text or only as its failOn refusal.
      expect(["truncated_image", "corrupt_image"]).toContain(job.errorCode);
    }
    const done = jobs.filter((j) => j.fileId !== broken);
    expect(done.every((j) => j.status === "completed")).toBe(true);
    for (const job of done) {
      const meta = await sharp(path.join(ctx.paths.root, job.outputKey!)).metadata();
      if (job.pipelineId === webp) {
        expect(meta.format).toBe("webp");
        expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(300);
        expect(job.outputName).toMatch(/^PL_DXB_photo-\d\.webp$/);
      } else {
        expect([meta.format, meta.hasAlpha]).toEqual(["png", false]);
        expect(meta.width).toBeLessThanOrEqual(120);
        expect(job.outputName).toMatch(/^PL_DXB_photo-\d\.png$/);
      }
      expect([meta.width, meta.height]).toEqual([job.outputWidth, job.outputHeight]);
    }
    const batch = ctx.db.query.batches.findFirst({ where: (b, { eq }) => eq(b.id, batchId) }).sync()!;
    expect(batch).toMatchObject({ status: "completed", totalJobs: 10, completedJobs: 8, failedJobs: 2 });
  });
});
