import sharp from "sharp";
import type { OutputFormat, PipelineSpec } from "./schemas";

type GeometrySpec = Pick<
  PipelineSpec,
  "width" | "height" | "fit" | "without_enlargement" | "alpha" | "background" | "trim" | "trim_threshold" | "padding_pct" | "position" | "sharpen"
>;

/** The colour padding gets: the background, or transparent when alpha is kept in a format that has it. */
export function padColour(spec: Pick<PipelineSpec, "alpha" | "background">, format: OutputFormat): sharp.Color {
  return spec.alpha && format !== "jpeg" ? { r: 0, g: 0, b: 0, alpha: 0 } : spec.background;
}

/** Whether the geometry adds transparent pixels (contain's padding with alpha kept). */
export const padsTransparent = (spec: Pick<PipelineSpec, "alpha" | "fit" | "width" | "height">, format: OutputFormat) =>
  spec.alpha && format !== "jpeg" && spec.fit === "contain" && Boolean(spec.width || spec.height);

/** contain onto an exact canvas: both sides given. The one fit whose output never depends on the input. */
export const isCanvas = (spec: Pick<PipelineSpec, "width" | "height" | "fit">) => Boolean(spec.width && spec.height && spec.fit === "contain");

/** The free border of a padded canvas, in pixels per side. */
export function paddingOf(spec: Pick<PipelineSpec, "width" | "height" | "fit" | "padding_pct">): { x: number; y: number } {
  if (!isCanvas(spec) || spec.padding_pct <= 0) return { x: 0, y: 0 };
  const side = (length: number) => Math.min(Math.round((length * spec.padding_pct) / 100), Math.floor((length - 1) / 2));
  return { x: side(spec.width!), y: side(spec.height!) };
}

const POSITION: Record<PipelineSpec["position"], string | number> = {
  centre: "centre",
  attention: sharp.strategy.attention,
  entropy: sharp.strategy.entropy,
};

/**
 * Size and framing, in the order a marketplace photo needs them: trim the input's own uniform border,
 * resize (cover keeps the chosen part; contain pads to the box), then pad a canvas out to its exact
 * size, then sharpen what the downscale softened. sharp runs them in this order whatever the call
 * order; this function only says which ones.
 */
export function applyGeometry(image: sharp.Sharp, spec: GeometrySpec, format: OutputFormat): void {
  if (spec.trim) image.trim({ threshold: spec.trim_threshold });
  if (spec.width || spec.height) {
    const pad = paddingOf(spec);
    image.resize({
      width: spec.width ? spec.width - 2 * pad.x : undefined,
      height: spec.height ? spec.height - 2 * pad.y : undefined,
      fit: spec.fit,
      position: spec.fit === "cover" ? POSITION[spec.position] : undefined,
      withoutEnlargement: spec.without_enlargement,
      background: padColour(spec, format),
    });
    if (pad.x || pad.y) image.extend({ top: pad.y, bottom: pad.y, left: pad.x, right: pad.x, background: padColour(spec, format) });
  }
  if (spec.sharpen) image.sharpen();
}
