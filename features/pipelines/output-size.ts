import { AppError } from "@/features/shared/errors";
import type { PipelineSpec } from "./schemas";

export interface Size {
  width: number;
  height: number;
}

type ResizeSpec = Pick<PipelineSpec, "width" | "height" | "fit" | "without_enlargement" | "auto_orient">;

/**
 * The size an input comes out of applySpec at, following sharp's resize rules (within a pixel of
 * rounding; an upper bound for cover/contain/fill, which never exceed the box, and with `trim`,
 * which only removes pixels): no box keeps the
 * input's size (turned upright first when auto_orient and the EXIF orientation swaps the sides);
 * one side scales the other with the aspect ratio; inside fits the box, outside covers it.
 */
export function plannedOutputSize(input: Size & { orientation?: number }, spec: ResizeSpec): Size {
  const swapped = spec.auto_orient && (input.orientation ?? 1) >= 5;
  const w = swapped ? input.height : input.width;
  const h = swapped ? input.width : input.height;
  const boxW = spec.width ?? null;
  const boxH = spec.height ?? null;
  if (!boxW && !boxH) return { width: w, height: h };
  if (boxW && boxH && (spec.fit === "cover" || spec.fit === "contain" || spec.fit === "fill")) return { width: boxW, height: boxH };
  let scale: number;
  if (boxW && boxH) scale = spec.fit === "outside" ? Math.max(boxW / w, boxH / h) : Math.min(boxW / w, boxH / h);
  else scale = boxW ? boxW / w : boxH! / h;
  if (spec.without_enlargement) scale = Math.min(scale, 1);
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

export const pixelsOf = (size: Size) => size.width * size.height;

/**
 * Refuses (400) a spec whose box alone is over MAX_OUTPUT_PIXELS: every fit produces at least the
 * box when both sides are given. Specs with one side, or none, depend on the input and are checked
 * per file (outputTooLarge).
 */
export function assertSpecOutputPixels(spec: Pick<PipelineSpec, "width" | "height">, maxPixels: number): void {
  if (!spec.width || !spec.height || spec.width * spec.height <= maxPixels) return;
  const message = `${spec.width} x ${spec.height} is more than ${maxPixels.toLocaleString("en")} pixels, the largest output this server makes`;
  throw new AppError("validation_failed", `Invalid pipeline: width: ${message}`, {
    details: { fields: [{ field: "width", message }], max_output_pixels: maxPixels },
  });
}

/** The message a file gets when its output would pass MAX_OUTPUT_PIXELS (the job fails; nothing is decoded). */
export const outputTooLargeMessage = (size: Size, maxPixels: number) =>
  `The output would be ${size.width} x ${size.height} pixels; this server makes at most ${maxPixels.toLocaleString("en")}. Use a smaller width or height.`;
