import { assertLiveAsset } from "@/features/assets/service";
import type { Principal } from "@/features/auth/scopes";
import type { AppContext } from "@/features/shared/context";
import { AppError } from "@/features/shared/errors";
import { Slots, WindowLimiter } from "@/features/shared/limiter";
import { classifyError } from "./errors";
import { assertSpecOutputPixels, outputTooLargeMessage, pixelsOf, plannedOutputSize, type Size } from "./output-size";
import { readPreviewInput } from "./preview-input";
import { prepareRender } from "./render-inputs";
import { FORMAT_MIME, type PipelineSpec } from "./schemas";
import { applySpec, openImage, outputFormatFor } from "./transform";

export { samplePath } from "./preview-input";

/** The longest side a preview is rendered at; a larger output is shown scaled down to it. */
export const PREVIEW_BOX = 1024;
/** Previews rendered at once in this process; one more is answered 503 at once (the editor retries). */
export const PREVIEW_SLOTS = 2;
const BUSY_RETRY_AFTER_S = 1;

export interface PreviewResult {
  bytes: Buffer;
  headers: Record<string, string>;
}

const holder = globalThis as unknown as { __batchyardPreviews?: { slots: Slots; perUser: WindowLimiter } };

function previewLimits(ctx: AppContext) {
  holder.__batchyardPreviews ??= { slots: new Slots(PREVIEW_SLOTS), perUser: new WindowLimiter(ctx.config.PREVIEW_RATE_LIMIT) };
  return holder.__batchyardPreviews;
}

/**
 * POST /api/pipelines/preview: runs a spec over a bundled sample or an uploaded image. Bounded so the
 * editor cannot starve the queue: PREVIEW_RATE_LIMIT per user (429), PREVIEW_SLOTS at a time (503,
 * asked before the body is read), MAX_OUTPUT_PIXELS like a pipeline, and rendered at most
 * PREVIEW_BOX px on the longest side. The X-Output-* headers describe the pipeline's real output;
 * X-Preview-Width/Height what was rendered when it was scaled down.
 */
export async function previewPipeline(ctx: AppContext, request: Request, user: Principal): Promise<PreviewResult> {
  const limits = previewLimits(ctx);
  const wait = limits.perUser.hit(user.userId, ctx.clock.now());
  if (wait > 0) {
    throw new AppError("rate_limited", `Too many previews; try again in ${wait} s.`, {
      details: { retry_after_seconds: wait },
      headers: { "Retry-After": String(wait) },
    });
  }
  const release = limits.slots.tryTake();
  if (!release) {
    throw new AppError("unavailable", "The server is rendering other previews; try again in a moment.", {
      headers: { "Retry-After": String(BUSY_RETRY_AFTER_S) },
    });
  }
  try {
    const input = await readPreviewInput(ctx, request);
    return await render(ctx, input.spec, input.image);
  } finally {
    release();
  }
}

async function render(ctx: AppContext, spec: PipelineSpec, image: Buffer): Promise<PreviewResult> {
  assertSpecOutputPixels(spec, ctx.config.MAX_OUTPUT_PIXELS);
  if (spec.watermark) assertLiveAsset(ctx, spec.watermark.asset_id, "spec.watermark.asset_id");
  let meta;
  try {
    meta = await openImage(image, ctx.config).metadata();
  } catch (error) {
    throw unreadable(error);
  }
  const planned = plannedOutputSize({ width: meta.width ?? 1, height: meta.pageHeight ?? meta.height ?? 1, orientation: meta.orientation }, spec);
  if (pixelsOf(planned) > ctx.config.MAX_OUTPUT_PIXELS) {
    const message = outputTooLargeMessage(planned, ctx.config.MAX_OUTPUT_PIXELS);
    throw new AppError("validation_failed", `Invalid spec: ${message}`, { details: { fields: [{ field: "spec.width", message }] } });
  }
  const format = outputFormatFor(spec, meta.format === "heif" && meta.compression === "av1" ? "avif" : meta.format);
  const scale = Math.min(1, PREVIEW_BOX / Math.max(planned.width, planned.height));
  try {
    const shown = scale < 1 ? scaledSpec(spec, planned, scale) : spec;
    const inputs = await prepareRender(ctx, shown, { meta, source: image }, format);
    const pipeline = applySpec(openImage(image, ctx.config).timeout({ seconds: 30 }), shown, inputs);
    const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
    const output = scale < 1 ? planned : { width: info.width, height: info.height };
    return {
      bytes: data,
      headers: {
        "Content-Type": FORMAT_MIME[format],
        "Content-Length": String(data.length),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
        "X-Output-Width": String(output.width),
        "X-Output-Height": String(output.height),
        "X-Output-Size": String(data.length),
        "X-Output-Format": format,
        "X-Input-Width": String(meta.width ?? ""),
        "X-Input-Height": String(meta.height ?? ""),
        "X-Input-Size": String(image.length),
        ...(scale < 1 ? { "X-Preview-Width": String(info.width), "X-Preview-Height": String(info.height) } : {}),
      },
    };
  } catch (error) {
    throw unreadable(error);
  }
}

/**
 * The spec that renders `scale` times the pipeline's output: a box scaled with it for the fits that
 * fill the box (cover, contain, fill), otherwise the planned output size itself, scaled (the
 * planned size already applies the fit and without_enlargement).
 */
function scaledSpec(spec: PipelineSpec, planned: Size, scale: number): PipelineSpec {
  const fillsBox = spec.width && spec.height && (spec.fit === "cover" || spec.fit === "contain" || spec.fit === "fill");
  const box = fillsBox ? { width: spec.width!, height: spec.height! } : planned;
  return {
    ...spec,
    width: Math.max(1, Math.round(box.width * scale)),
    height: Math.max(1, Math.round(box.height * scale)),
    fit: fillsBox ? spec.fit : "inside",
    without_enlargement: fillsBox ? spec.without_enlargement : false,
  };
}

function unreadable(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const classified = classifyError(error);
  if (classified.kind === "transient") return new AppError("unavailable", classified.message);
  return new AppError("unreadable_image", classified.message, { details: { code: classified.code } });
}
