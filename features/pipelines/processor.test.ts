import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addPipeline, createBatch, createTestContext, type FixtureFile, type TestContext } from "@/test/fixtures";
import { gradient } from "@/test/images";
import { processContext } from "@/test/queue";
import { processImageJob } from "./processor";
import type { PipelineSpecInput } from "./schemas";

let ctx: TestContext;
beforeEach(() => void (ctx = createTestContext()));
afterEach(() => ctx.cleanup());

/** Runs one file through one spec and returns the result, the decoded output's metadata and its path. */
async function run(spec: PipelineSpecInput, file: FixtureFile) {
  const pipelineId = addPipeline(ctx, spec);
  const { jobs } = createBatch(ctx, [file], [pipelineId]);
  const pctx = processContext(ctx);
  const result = await processImageJob({ job: jobs[0]!, attempt: 1, leaseToken: "t" }, pctx);
  const output = path.join(ctx.paths.root, result.outputKey);
  return { result, output, meta: await sharp(output).metadata(), progress: pctx.progress, job: jobs[0]! };
}

describe("processImageJob: spec options", () => {
  it("resizes inside the box and writes outputs/<batch>/<job>.<ext> with the original stem", async () => {
    const { result, meta, progress, job, output } = await run(
      { name: "w", format: "webp", width: 400, height: 400, quality: 70 },
      { name: "holiday.photo.png", data: await gradient(800, 600) },
    );
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", 400, 300]);
    expect(result).toMatchObject({ outputKey: `outputs/${job.batchId}/${job.id}.webp`, outputName: "holiday.photo.webp", outputWidth: 400, outputHeight: 300 });
    expect(result.outputSize).toBe(fs.statSync(output).size);
    expect(fs.readdirSync(path.dirname(output))).toEqual([`${job.id}.webp`]); // no temp files left
    expect(progress.at(-1)).toBe(1);
  });

  it.each([
    ["jpeg", "jpg"],
    ["png", "png"],
    ["avif", "avif"],
    ["tiff", "tiff"],
  ] as const)("encodes format %s as .%s", async (format, ext) => {
    const { meta, result } = await run({ name: format, format, width: 64 }, { name: "a.png", data: await gradient(128, 96) });
    expect(meta.format).toBe(format === "avif" ? "heif" : format);
    expect(result.outputName).toBe(`a.${ext}`);
  });

  it("keeps the input format for 'original'", async () => {
    const { meta, result } = await run(
      { name: "o", format: "original", width: 50 },
      { name: "scan.jpeg", data: await gradient(100, 100, "jpeg"), mime: "image/jpeg" },
    );
    expect([meta.format, meta.width, result.outputName]).toEqual(["jpeg", 50, "scan.jpg"]);
  });

  it("quality changes the size of lossy outputs", async () => {
    const data = await gradient(400, 300, "png");
    const low = await run({ name: "low", format: "jpeg", quality: 10 }, { name: "a.png", data });
    const high = await run({ name: "high", format: "jpeg", quality: 95 }, { name: "a.png", data });
    expect(low.result.outputSize).toBeLessThan(high.result.outputSize);
  });

  it("PNG compression changes the output: higher is smaller, pixels identical; a palette is smaller still", async () => {
    // Photo-like noise: a plain gradient deflates to almost nothing at any level.
    const data = await sharp({ create: { width: 400, height: 300, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 20 } } }).png().toBuffer();
    const file = { name: "PL_TEST_image.png", data };
    const png = (name: string, extra: PipelineSpecInput extends infer T ? Partial<T> : never) =>
      run({ name, format: "png", width: 800, alpha: false, ...extra }, file);
    const none = await png("c0", { compression: 0 });
    const seventy = await png("c70", { compression: 70 });
    const max = await png("c100", { compression: 100 });
    const palette = await png("pal", { compression: 100, palette: true, quality: 60 });
    expect(seventy.result.outputSize).toBeLessThan(none.result.outputSize * 0.9);
    expect(max.result.outputSize).toBeLessThan(none.result.outputSize * 0.9);
    expect(palette.result.outputSize).toBeLessThan(max.result.outputSize / 2);
    const pixels = async (file: string) => (await sharp(file).raw().toBuffer()).toString("base64");
    expect(await pixels(none.output)).toBe(await pixels(max.output));
    expect(palette.meta.isPalette).toBe(true);
  });

  it("alpha=false flattens onto the background; alpha=true keeps transparency", async () => {
    const data = await sharp({ create: { width: 20, height: 20, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const flat = await run({ name: "flat", format: "png", alpha: false, background: "#ff0000" }, { name: "t.png", data });
    expect(flat.meta.hasAlpha).toBe(false);
    const { data: px } = await sharp(flat.output).raw().toBuffer({ resolveWithObject: true });
    expect([...px.subarray(0, 3)]).toEqual([255, 0, 0]);
    const kept = await run({ name: "kept", format: "png", alpha: true }, { name: "t.png", data });
    expect(kept.meta.hasAlpha).toBe(true);
  });

  it("auto_orient applies EXIF orientation 6 (a 300x200 stored image becomes 200x300)", async () => {
    const data = await sharp(await gradient(300, 200)).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const file = { name: "phone.jpg", data, mime: "image/jpeg" };
    const oriented = await run({ name: "on", format: "png" }, file);
    expect([oriented.meta.width, oriented.meta.height, oriented.meta.orientation]).toEqual([200, 300, undefined]);
    const raw = await run({ name: "off", format: "png", auto_orient: false }, file);
    expect([raw.meta.width, raw.meta.height]).toEqual([300, 200]);
  });

  it("strip_metadata drops EXIF but keeps the ICC colour profile; false keeps EXIF", async () => {
    const data = await sharp(await gradient(64, 64))
      .withIccProfile("p3")
      .withExif({ IFD0: { Copyright: "Batchyard test", Artist: "someone private" } })
      .jpeg()
      .toBuffer();
    const file = { name: "cam.jpg", data, mime: "image/jpeg" };
    const stripped = await run({ name: "strip", format: "jpeg" }, file);
    expect(stripped.meta.exif).toBeUndefined();
    expect(stripped.meta.icc).toBeDefined();
    const kept = await run({ name: "keep", format: "jpeg", strip_metadata: false }, file);
    expect(kept.meta.exif?.toString("latin1")).toContain("Batchyard test");
  });

  it("never enlarges by default; without_enlargement=false upscales", async () => {
    const file = { name: "small.png", data: await gradient(100, 80) };
    const same = await run({ name: "no", format: "png", width: 400 }, file);
    expect([same.meta.width, same.meta.height]).toEqual([100, 80]);
    const bigger = await run({ name: "yes", format: "png", width: 400, without_enlargement: false }, file);
    expect([bigger.meta.width, bigger.meta.height]).toEqual([400, 320]);
  });

  it("cover crops to the exact box; contain pads with the background", async () => {
    const file = { name: "wide.png", data: await gradient(400, 200) };
    const cover = await run({ name: "cover", format: "png", width: 100, height: 100, fit: "cover" }, file);
    expect([cover.meta.width, cover.meta.height]).toEqual([100, 100]);
    const contain = await run({ name: "contain", format: "jpeg", width: 100, height: 100, fit: "contain", background: "#00ff00" }, file);
    expect([contain.meta.width, contain.meta.height]).toEqual([100, 100]);
    const { data: px } = await sharp(contain.output).raw().toBuffer({ resolveWithObject: true });
    expect(px[1]).toBeGreaterThan(200); // top-left corner is padding: green
  });
});

describe("processImageJob: names and cancellation", () => {
  it("makes output names unique within the batch for the same pipeline", async () => {
    const pipelineId = addPipeline(ctx, { name: "w", format: "webp" });
    const { jobs } = createBatch(
      ctx,
      [
        { name: "photo.png", data: await gradient(20, 20) },
        { name: "photo.jpg", data: await gradient(20, 20, "jpeg"), mime: "image/jpeg" },
      ],
      [pipelineId],
    );
    const names = [];
    for (const job of jobs) names.push((await processImageJob({ job, attempt: 1, leaseToken: "t" }, processContext(ctx))).outputName);
    expect(names.sort()).toEqual(["photo-2.webp", "photo.webp"]);
  });

  it("stops on abort and leaves no temp file behind", async () => {
    const pipelineId = addPipeline(ctx, { name: "w", format: "avif", quality: 90 });
    const { jobs, batchId } = createBatch(ctx, [{ name: "big.png", data: await gradient(1500, 1500) }], [pipelineId]);
    const controller = new AbortController();
    const running = processImageJob({ job: jobs[0]!, attempt: 1, leaseToken: "t" }, processContext(ctx, controller.signal));
    controller.abort(new Error("cancelled by user"));
    await expect(running).rejects.toThrow("cancelled by user");
    // The encoder finishes in the background; poll until its temp file has been removed.
    const dir = path.join(ctx.paths.outputs, batchId);
    for (let i = 0; i < 200 && fs.existsSync(dir) && fs.readdirSync(dir).length > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
  });

  it("a cancel followed by deleting the batch's folder leaves no unhandled failure behind", async () => {
    const pipelineId = addPipeline(ctx, { name: "w", format: "jpeg" });
    const { jobs, batchId } = createBatch(ctx, [{ name: "big.png", data: await gradient(1500, 1500) }], [pipelineId]);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const controller = new AbortController();
      const running = processImageJob({ job: jobs[0]!, attempt: 1, leaseToken: "t" }, processContext(ctx, controller.signal));
      // The cancel lands while the input is being checked, before the encoder starts.
      controller.abort(new Error("cancelled by user"));
      await expect(running).rejects.toThrow("cancelled by user");
      // DELETE /api/batches/:id removes the folder while the encoder is still opening its temp file.
      fs.rmSync(path.join(ctx.paths.outputs, batchId), { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
