import type sharp from "sharp";
import type { Config } from "@/features/shared/config";
import { applyGeometry, isCanvas } from "./geometry";
import { plannedOutputSize, type Size } from "./output-size";
import type { OutputFormat, PipelineSpec, WatermarkSpec } from "./schemas";
import { openImage } from "./transform";

type ImageConfig = Pick<Config, "MAX_INPUT_PIXELS" | "QUEUE_CONCURRENCY">;

/**
 * The output's exact size, which the watermark is sized and placed against (it is composited in
 * the same sharp pipeline, after the resize). Predicted from the header where sharp's rules make
 * it certain: an exact canvas, inside/outside (or no box), cover/fill that may enlarge. Otherwise
 * (trim, or a cover/fill that may not enlarge a small input) the geometry runs once on its own to
 * measure it: one more decode, paid only by those specs.
 */
export async function outputSizeFor(
  spec: PipelineSpec,
  meta: sharp.Metadata,
  source: string | Buffer,
  format: OutputFormat,
  config: ImageConfig,
): Promise<Size> {
  if (isCanvas(spec)) return { width: spec.width!, height: spec.height! };
  const boxFilled = spec.width && spec.height && (spec.fit === "cover" || spec.fit === "fill") && !spec.without_enlargement;
  if (!spec.trim && boxFilled) return { width: spec.width!, height: spec.height! };
  const scalesOnly = (!spec.width && !spec.height) || spec.fit === "inside" || spec.fit === "outside";
  if (!spec.trim && scalesOnly) {
    return plannedOutputSize({ width: meta.width ?? 1, height: meta.pageHeight ?? meta.height ?? 1, orientation: meta.orientation }, spec);
  }
  const measured = openImage(source, config);
  if (spec.auto_orient) measured.rotate();
  applyGeometry(measured, { ...spec, sharpen: false }, format);
  const { info } = await measured.raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height };
}

/**
 * The watermark as a composite layer for an output of `size`: `width_pct` of the output's width
 * (never taller or wider than what the margins leave), its alpha scaled by `opacity`, and placed at
 * `gravity` `margin_pct` away from the edges it sits against.
 */
export async function watermarkLayer(
  asset: string | Buffer,
  watermark: WatermarkSpec,
  size: Size,
  config: ImageConfig,
): Promise<sharp.OverlayOptions> {
  const marginX = Math.round((size.width * watermark.margin_pct) / 100);
  const marginY = Math.round((size.height * watermark.margin_pct) / 100);
  const room = { width: Math.max(1, size.width - 2 * marginX), height: Math.max(1, size.height - 2 * marginY) };
  const width = Math.max(1, Math.min(room.width, Math.round((size.width * watermark.width_pct) / 100)));
  const { data, info } = await openImage(asset, config)
    .resize({ width, height: room.height, fit: "inside" })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (watermark.opacity < 1) for (let i = 3; i < data.length; i += 4) data[i] = Math.round(data[i]! * watermark.opacity);
  const { left, top } = place(watermark.gravity, size, { width: info.width, height: info.height }, marginX, marginY);
  return { input: data, raw: { width: info.width, height: info.height, channels: 4 }, left, top };
}

function place(gravity: WatermarkSpec["gravity"], size: Size, mark: Size, marginX: number, marginY: number) {
  const x = gravity.endsWith("west") ? marginX : gravity.endsWith("east") ? size.width - mark.width - marginX : Math.round((size.width - mark.width) / 2);
  const y = gravity.startsWith("north") ? marginY : gravity.startsWith("south") ? size.height - mark.height - marginY : Math.round((size.height - mark.height) / 2);
  return { left: Math.max(0, x), top: Math.max(0, y) };
}
