import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createQueueEngine, type QueueEngine } from "@/features/queue/engine";
import { waitFor } from "@/test/async";
import { addPipeline, createBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { gradient } from "@/test/images";
import { processImageJob } from "./processor";
import { openThumbnail } from "./serve";

/** A batch of files through two pipelines, run by the real queue engine with the image processor. */
const bytesOf = async (body: BodyInit) => Buffer.from(await new Response(body).arrayBuffer());
let ctx: TestContext;
let engine: QueueEngine | undefined;
beforeEach(() => void (ctx = createTestContext({ QUEUE_CONCURRENCY: "3", POLL_MS: "20" })));
afterEach(async () => {
  await engine?.stop({ graceMs: 0 });
  engine = undefined;
  ctx.cleanup();
});

/** Starts the engine and waits until the batch has no job left to run. */
async function drain(batchId: string): Promise<void> {
  engine = createQueueEngine(ctx, { processor: processImageJob });
  engine.start();
  const open = ctx.db.$client.prepare(`SELECT count(*) AS n FROM jobs WHERE batch_id = ? AND status IN ('pending', 'processing')`);
  await waitFor(() => (open.get(batchId) as { n: number }).n === 0, "the batch to finish", 60_000);
}

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
    await drain(batchId);

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

  it("leaves thumbnails to the first request, which makes them from an upright uncropped output", async () => {
    // Opaque input: the 800 px pipeline flattening onto red is still the same picture; the cover crop is not.
    const opaque = await sharp({ create: { width: 1000, height: 500, channels: 3, background: { r: 0, g: 0, b: 255 } } }).jpeg().toBuffer();
    const flat = addPipeline(ctx, { name: "flat", format: "png", width: 800, alpha: false, background: "#ff0000" });
    const crop = addPipeline(ctx, { name: "crop", format: "png", width: 400, height: 400, fit: "cover" });
    const { jobs } = createBatch(ctx, [{ name: "a.jpg", data: opaque, mime: "image/jpeg" }], [crop, flat]);
    await drain(jobs[0]!.batchId);
    const thumbFile = path.join(ctx.paths.thumbs, `${jobs[0]!.fileId}.webp`);
    expect(fs.existsSync(thumbFile)).toBe(false);
    // With the original gone from disk, a thumbnail can only come from an output.
    const { storageKey } = ctx.db.query.files.findFirst({ where: (f, { eq }) => eq(f.id, jobs[0]!.fileId) }).sync()!;
    fs.rmSync(path.join(ctx.paths.root, storageKey));

    await bytesOf((await openThumbnail(ctx, jobs[0]!.fileId)).body);
    const { data: px, info } = await sharp(thumbFile).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([320, 160]);
    expect(px[2]).toBeGreaterThan(240); // the picture (blue), not the placeholder
  });

  it("keeps a transparent input transparent: an output that filled the transparency in is not used", async () => {
    const transparent = await sharp({ create: { width: 1000, height: 500, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0 } } }).png().toBuffer();
    const flat = addPipeline(ctx, { name: "flat2", format: "png", width: 800, alpha: false, background: "#ff0000" });
    const jpeg = addPipeline(ctx, { name: "jpeg2", format: "jpeg", width: 800 });
    const { jobs } = createBatch(ctx, [{ name: "t.png", data: transparent }], [flat, jpeg]);
    await drain(jobs[0]!.batchId);

    await bytesOf((await openThumbnail(ctx, jobs[0]!.fileId)).body);
    const { data: px, info } = await sharp(path.join(ctx.paths.thumbs, `${jobs[0]!.fileId}.webp`)).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([320, 160, 4]);
    expect(px[3]).toBe(0); // transparent, not the flattened red or the JPEG's white
  });
});
