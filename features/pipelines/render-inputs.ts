import type sharp from "sharp";
import { findAsset } from "@/features/assets/queries";
import type { AppContext } from "@/features/shared/context";
import { resolveKey } from "@/features/shared/paths";
import { JobError } from "@/features/queue/types";
import { copyrightOf } from "./exif";
import { metadataPolicy } from "./metadata";
import type { OutputFormat, PipelineSpec } from "./schemas";
import type { RenderInputs } from "./transform";
import { outputSizeFor, watermarkLayer } from "./watermark";

/**
 * Everything applySpec needs that has to be read first, gathered from the input's header (which the
 * processor and the preview read anyway for the output-size check) and the watermark asset, so
 * applySpec stays one synchronous chain of sharp operations.
 */
export async function prepareRender(
  ctx: AppContext,
  spec: PipelineSpec,
  input: { meta: sharp.Metadata; source: string | Buffer },
  format: OutputFormat,
): Promise<RenderInputs> {
  const inputs: RenderInputs = {
    format,
    copyright: metadataPolicy(spec) === "copyright_only" ? copyrightOf(input.meta) : undefined,
    hasAlpha: Boolean(input.meta.hasAlpha),
  };
  if (spec.watermark) {
    const asset = findAsset(ctx.db, spec.watermark.asset_id);
    if (!asset) throw new JobError("permanent", "watermark_missing", "The pipeline's watermark asset no longer exists; choose another in the pipeline.");
    const size = await outputSizeFor(spec, input.meta, input.source, format, ctx.config);
    inputs.watermark = await watermarkLayer(resolveKey(ctx.paths, asset.storageKey), spec.watermark, size, ctx.config);
  }
  return inputs;
}
