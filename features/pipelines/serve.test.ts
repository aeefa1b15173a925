import fs from "node:fs";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errorResponse } from "@/features/shared/http";
import { addPipeline, createBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { gradient } from "@/test/images";
import { processContext } from "@/test/queue";
import { processImageJob } from "./processor";
import { openJobOutput, openThumbnail } from "./serve";

let ctx: TestContext;
beforeEach(() => void (ctx = createTestContext()));
afterEach(() => ctx.cleanup());

const bytesOf = async (body: BodyInit) => Buffer.from(await new Response(body).arrayBuffer());
const statusOf = (promise: Promise<unknown>) => promise.then(() => 200, (e: unknown) => errorResponse(e).status);

describe("serving outputs and thumbnails", () => {
  it("streams a completed output with type, length, nosniff and a safe Content-Disposition", async () => {
    const pipelineId = addPipeline(ctx, { name: "w", format: "webp", width: 50 });
    const { jobs } = createBatch(ctx, [{ name: 'evil "name"\r\n.png', data: await gradient(100, 100) }], [pipelineId]);
    const job = jobs[0]!;
    expect(await statusOf(openJobOutput(ctx, job.id, { download: false }))).toBe(409);
    const r = await processImageJob({ job, attempt: 1, leaseToken: "t" }, processContext(ctx));
    ctx.db.$client.prepare("UPDATE jobs SET status = 'completed', output_key = ?, output_name = ? WHERE id = ?").run(r.outputKey, r.outputName, job.id);

    const inline = await openJobOutput(ctx, job.id, { download: false });
    expect(inline.headers).toMatchObject({ "Content-Type": "image/webp", "X-Content-Type-Options": "nosniff", "Content-Length": String(r.outputSize) });
    // Quotes and line breaks never reach the header: the name is sanitised as it leaves, like a ZIP entry.
    expect(inline.headers["Content-Disposition"]).toBe(`inline; filename="evil _name_.webp"`);
    expect(inline.headers["Content-Disposition"]).not.toMatch(/[\r\n]/);
    expect((await sharp(await bytesOf(inline.body)).metadata()).width).toBe(50);
    const download = await openJobOutput(ctx, job.id, { download: true });
    expect(download.headers["Content-Disposition"]).toMatch(/^attachment;/);
    await bytesOf(download.body);
    expect(await statusOf(openJobOutput(ctx, "missing", { download: false }))).toBe(404);
  });

  it("makes a missing thumbnail on request, answers a placeholder for undecodable files, 404 for unknown ids", async () => {
    const pipelineId = addPipeline(ctx, { name: "w", format: "webp" });
    const { files } = createBatch(ctx, [{ name: "a.png", data: await gradient(640, 480) }, { name: "b.png", data: Buffer.from("not an image") }], [pipelineId]);
    const thumb = await openThumbnail(ctx, files[0]!.id);
    expect((await sharp(await bytesOf(thumb.body)).metadata()).width).toBe(320);
    expect(fs.existsSync(`${ctx.paths.thumbs}/${files[0]!.id}.webp`)).toBe(true);
    const placeholder = await openThumbnail(ctx, files[1]!.id);
    expect(placeholder.headers["X-Thumbnail-Placeholder"]).toBe("unsupported_format");
    expect((await sharp(await bytesOf(placeholder.body)).metadata()).format).toBe("webp");
    expect(await statusOf(openThumbnail(ctx, "missing"))).toBe(404);
  });
});
