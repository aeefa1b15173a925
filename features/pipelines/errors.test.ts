import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JobError } from "@/features/queue/types";
import { addPipeline, createBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { gradient, pixelBomb } from "@/test/images";
import { processContext } from "@/test/queue";
import { classifyError } from "./errors";
import { processImageJob } from "./processor";

let ctx: TestContext;
beforeEach(() => void (ctx = createTestContext({ MAX_INPUT_PIXELS: "50000000" })));
afterEach(() => ctx.cleanup());

async function failureOf(data: Buffer, name = "bad.png", mime = "image/png"): Promise<JobError> {
  const pipelineId = addPipeline(ctx, { name: "w", format: "webp", width: 100 });
  const { jobs } = createBatch(ctx, [{ name, data, mime }], [pipelineId]);
  const error = await processImageJob({ job: jobs[0]!, attempt: 1, leaseToken: "t" }, processContext(ctx)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(JobError);
  return error as JobError;
}

describe("error classification", () => {
  it("a truncated JPEG fails permanently", async () => {
    const full = await gradient(400, 400, "jpeg");
    const error = await failureOf(full.subarray(0, Math.floor(full.length / 2)), "cut.jpg", "image/jpeg");
    expect(error.kind).toBe("permanent");
    // Usually libjpeg's "premature end" (truncated); sharp sometimes loses that text and reports only its failOn refusal.
    expect(["truncated_image", "corrupt_image"]).toContain(error.code);
  });

  it("a PNG with a corrupt header fails permanently", async () => {
    const png = await gradient(50, 50);
    const corrupt = Buffer.concat([png.subarray(0, 12), Buffer.alloc(60, 0x41), png.subarray(72)]);
    const error = await failureOf(corrupt);
    expect(error.kind).toBe("permanent");
    expect(["corrupt_image", "unsupported_format", "truncated_image"]).toContain(error.code);
  });

  it("PNG magic bytes followed by garbage fail permanently", async () => {
    const error = await failureOf(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 0x41)]));
    expect(error.kind).toBe("permanent");
  });

  it("a zero-byte file fails permanently as empty", async () => {
    const error = await failureOf(Buffer.alloc(0));
    expect([error.kind, error.code, error.message]).toEqual(["permanent", "empty_file", "The file is empty (0 bytes)."]);
  });

  it("an image claiming more pixels than MAX_INPUT_PIXELS fails permanently", async () => {
    const error = await failureOf(pixelBomb(60_000, 60_000));
    expect([error.kind, error.code]).toEqual(["permanent", "too_many_pixels"]);
  });

  it("a text file fails permanently as unsupported", async () => {
    const error = await failureOf(Buffer.from("just some text, not an image\n".repeat(20)), "notes.txt", "text/plain");
    expect([error.kind, error.code]).toEqual(["permanent", "unsupported_format"]);
  });

  it("an invalid stored pipeline spec fails permanently", async () => {
    const pipelineId = addPipeline(ctx, { name: "w", format: "webp" });
    ctx.db.$client.prepare("UPDATE pipelines SET spec = ? WHERE id = ?").run(JSON.stringify({ name: "w", format: "bmp" }), pipelineId);
    const { jobs } = createBatch(ctx, [{ name: "a.png", data: await sharp({ create: { width: 4, height: 4, channels: 3, background: "#fff" } }).png().toBuffer() }], [pipelineId]);
    const error = (await processImageJob({ job: jobs[0]!, attempt: 1, leaseToken: "t" }, processContext(ctx)).catch((e: unknown) => e)) as JobError;
    expect([error.kind, error.code]).toEqual(["permanent", "invalid_pipeline"]);
    expect(error.message).toContain("format");
  });

  it.each(["ENOSPC", "EMFILE", "EBUSY", "EIO"])("%s is transient", (code) => {
    const error = Object.assign(new Error(`${code}: failure`), { code });
    expect(classifyError(error).kind).toBe("transient");
  });

  it("sharp's bare 'Warning treated as error' (its failOn refusal) is permanent", () => {
    const error = classifyError(new Error("Warning treated as error due to failOn setting"));
    expect([error.kind, error.code]).toEqual(["permanent", "corrupt_image"]);
  });

  it("libvips out-of-space and out-of-memory messages are transient", () => {
    expect(classifyError(new Error("VipsForeignSave: write failed: No space left on device")).code).toBe("disk_full");
    expect(classifyError(new Error("vips__region_buffer: out of memory")).kind).toBe("transient");
  });
});
