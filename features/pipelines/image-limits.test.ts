import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Principal } from "@/features/auth/scopes";
import { resolveKey } from "@/features/shared/paths";
import { errorResponse } from "@/features/shared/http";
import { addPipeline, createBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { gradient } from "@/test/images";
import { processContext } from "@/test/queue";
import { plannedOutputSize } from "./output-size";
import { previewPipeline, PREVIEW_BOX } from "./preview";
import { createPipelineSchema } from "./schemas";
import { processImageJob } from "./processor";
import { openThumbnail } from "./serve";
import { createPipeline } from "./service";

let ctx: TestContext;
beforeEach(() => {
  ctx = createTestContext({ MAX_OUTPUT_PIXELS: "4000000", PREVIEW_RATE_LIMIT: "1000/minute" });
  delete (globalThis as Record<string, unknown>).__batchyardPreviews;
});
afterEach(() => ctx.cleanup());

const user = (userId = "u1") => ({ userId, email: `${userId}@x.test`, role: "admin", scope: "admin", via: "session" }) as Principal;
const previewRequest = (spec: object) =>
  new Request("http://local/api/pipelines/preview", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ spec, sample: "landscape.jpg" }) });
const answerOf = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ status: 200, code: "ok" }),
    async (error: unknown) => {
      const response = errorResponse(error);
      return { status: response.status, code: ((await response.json()) as { error: { code: string } }).error.code, retryAfter: response.headers.get("retry-after") };
    },
  );

describe("planned output size", () => {
  const spec = { width: null, height: null, fit: "inside", without_enlargement: true, auto_orient: true } as const;
  it.each([
    [{ width: 1200, height: 800 }, {}, { width: 1200, height: 800 }],
    [{ width: 1200, height: 800, orientation: 6 }, {}, { width: 800, height: 1200 }],
    [{ width: 1200, height: 800 }, { width: 600 }, { width: 600, height: 400 }],
    [{ width: 1200, height: 800 }, { width: 20_000, without_enlargement: false }, { width: 20_000, height: 13_333 }],
    [{ width: 1200, height: 800 }, { width: 20_000 }, { width: 1200, height: 800 }],
    [{ width: 1000, height: 1000 }, { width: 4000, height: 10, fit: "outside", without_enlargement: false }, { width: 4000, height: 4000 }],
    [{ width: 1000, height: 1000 }, { width: 300, height: 200, fit: "cover" }, { width: 300, height: 200 }],
  ])("%j with %j -> %j", (input, changes, expected) => {
    expect(plannedOutputSize(input, { ...spec, ...changes } as Parameters<typeof plannedOutputSize>[1])).toEqual(expected);
  });
});

describe("MAX_OUTPUT_PIXELS", () => {
  it("refuses a pipeline whose box alone is too large, when both sides are given", () => {
    const create = (width: number, height: number) =>
      answerOf(Promise.resolve().then(() => createPipeline(ctx, createPipelineSchema.parse({ name: `p${width}x${height}`, format: "png", width, height }))));
    return Promise.all([
      expect(create(20_000, 20_000)).resolves.toMatchObject({ status: 400, code: "validation_failed" }),
      expect(create(2000, 2000)).resolves.toMatchObject({ status: 200 }),
    ]);
  });

  it("fails a job whose one-sided spec would make a too-large output, before decoding it", async () => {
    const pipelineId = addPipeline(ctx, { name: "huge", format: "png", width: 20_000, without_enlargement: false });
    const { jobs } = createBatch(ctx, [{ name: "a.png", data: await gradient(400, 300) }], [pipelineId]);
    await expect(processImageJob({ job: jobs[0]!, attempt: 1, leaseToken: "t" }, processContext(ctx))).rejects.toMatchObject({
      kind: "permanent",
      code: "output_too_large",
    });
    expect(fs.readdirSync(path.join(ctx.paths.outputs, jobs[0]!.batchId))).toEqual([]);
  });
});

describe("previews", () => {
  it("renders a too-large output scaled down to the preview box, and says so", async () => {
    const result = await previewPipeline(ctx, previewRequest({ format: "jpeg", width: 1900, without_enlargement: false }), user());
    expect(result.headers["X-Output-Width"]).toBe("1900");
    expect(Number(result.headers["X-Preview-Width"])).toBe(PREVIEW_BOX);
    const small = await previewPipeline(ctx, previewRequest({ format: "png", width: 100 }), user());
    expect(small.headers["X-Output-Width"]).toBe("100");
    expect(small.headers["X-Preview-Width"]).toBeUndefined();
  });

  it("refuses a preview whose output passes MAX_OUTPUT_PIXELS", async () => {
    expect(await answerOf(previewPipeline(ctx, previewRequest({ format: "png", width: 20_000, without_enlargement: false }), user()))).toMatchObject({ status: 400, code: "validation_failed" });
  });

  it("renders two at a time and answers a third 503 with Retry-After, before reading its body", async () => {
    const spec = { format: "png", width: 300 };
    const running = [previewPipeline(ctx, previewRequest(spec), user()), previewPipeline(ctx, previewRequest(spec), user())];
    expect(await answerOf(previewPipeline(ctx, previewRequest(spec), user()))).toEqual({ status: 503, code: "unavailable", retryAfter: "1" });
    await Promise.all(running);
    expect(await answerOf(previewPipeline(ctx, previewRequest(spec), user()))).toMatchObject({ status: 200 });
  });

  it("limits previews per user", async () => {
    ctx.config.PREVIEW_RATE_LIMIT = { max: 2, windowMs: 60_000 };
    delete (globalThis as Record<string, unknown>).__batchyardPreviews;
    const spec = { format: "png", width: 50 };
    await previewPipeline(ctx, previewRequest(spec), user("a"));
    await previewPipeline(ctx, previewRequest(spec), user("a"));
    expect(await answerOf(previewPipeline(ctx, previewRequest(spec), user("a")))).toMatchObject({ status: 429, code: "rate_limited", retryAfter: "60" });
    expect(await answerOf(previewPipeline(ctx, previewRequest(spec), user("b")))).toMatchObject({ status: 200 });
  });
});

describe("thumbnails", () => {
  it("remembers a file that cannot be decoded instead of decoding it on every request", async () => {
    const pipelineId = addPipeline(ctx, { name: "w", format: "webp" });
    const { files } = createBatch(ctx, [{ name: "bad.png", data: Buffer.from("\x89PNG\r\n\x1a\nnot really") }], [pipelineId]);
    const first = await openThumbnail(ctx, files[0]!.id);
    expect(first.headers["X-Thumbnail-Placeholder"]).toBeDefined();
    // Were it decoded again, the (now valid) input would give a real thumbnail.
    fs.writeFileSync(resolveKey(ctx.paths, files[0]!.storageKey), await gradient(64, 48));
    const second = await openThumbnail(ctx, files[0]!.id);
    expect(second.headers["X-Thumbnail-Placeholder"]).toBe(first.headers["X-Thumbnail-Placeholder"]);
  });
});
