import os from "node:os";
import sharp from "sharp";
import type { Config } from "@/features/shared/config";
import { encode } from "./encoders";
import type { CopyrightFields } from "./exif";
import { applyGeometry, padsTransparent } from "./geometry";
import { applyMetadataPolicy } from "./metadata";
import { FORMAT_EXTENSION, type OutputFormat, type PipelineSpec } from "./schemas";

let configured = false;

/**
 * Process-wide sharp settings for batch work: no operation cache (every input is seen once, the
 * cache only holds memory) and libvips threads split between the queue's parallel jobs so three
 * jobs on a small machine do not each spin up a thread per core and fight over them.
 */
export function configureSharp(config: Pick<Config, "QUEUE_CONCURRENCY">): void {
  if (configured) return;
  configured = true;
  sharp.cache(false);
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  sharp.concurrency(Math.max(1, Math.floor(cores / config.QUEUE_CONCURRENCY)));
}

/** Decoder settings every input goes through: pixel cap against decompression bombs, strict decoding. */
export function openImage(
  input: string | Buffer,
  config: Pick<Config, "MAX_INPUT_PIXELS" | "QUEUE_CONCURRENCY">,
): sharp.Sharp {
  configureSharp(config);
  return sharp(input, { limitInputPixels: config.MAX_INPUT_PIXELS, failOn: "warning", sequentialRead: true });
}

/** Which format an output gets: the spec's, or for `original` the input's own (HEIC, which sharp cannot write, becomes JPEG). */
export function outputFormatFor(spec: Pick<PipelineSpec, "format">, inputFormat: string | undefined): OutputFormat {
  if (spec.format !== "original") return spec.format;
  switch (inputFormat) {
    case "jpeg":
    case "jpg":
    case "png":
    case "webp":
    case "avif":
    case "tiff":
    case "gif":
      return inputFormat === "jpg" ? "jpeg" : inputFormat;
    case "heif":
    default:
      return "jpeg";
  }
}

/** `image/png` -> `png`: the input format as the upload recorded it (files.mime). */
export function formatFromMime(mime: string): string | undefined {
  const sub = mime.toLowerCase().split("/")[1];
  if (!sub) return undefined;
  if (sub === "heic" || sub === "heif") return "heif";
  return sub === "jpg" ? "jpeg" : sub;
}

export const extensionFor = (format: OutputFormat) => FORMAT_EXTENSION[format];

/** What a render needs besides the spec, read from the input first (prepareRender in render-inputs.ts). */
export interface RenderInputs {
  format: OutputFormat;
  /** The input's credit, kept by `metadata: copyright_only`. */
  copyright?: CopyrightFields;
  /** Whether the input has an alpha channel (a watermark adds one that may need to go again). */
  hasAlpha?: boolean;
  /** The watermark, sized and placed for this output (watermark.ts). */
  watermark?: sharp.OverlayOptions;
}

/**
 * Applies a pipeline spec to an opened image. The same function serves the processor, the preview
 * and the benchmark's idea of "the same work", so what the editor shows is what a batch produces.
 */
export function applySpec(image: sharp.Sharp, spec: PipelineSpec, inputs: RenderInputs): sharp.Sharp {
  const { format } = inputs;
  if (spec.auto_orient) image.rotate();
  applyGeometry(image, spec, format);
  // JPEG has no alpha channel: flatten onto the chosen background instead of libvips' black.
  const flat = !spec.alpha || format === "jpeg";
  if (flat) image.flatten({ background: spec.background });
  if (inputs.watermark) {
    image.composite([inputs.watermark]);
    // Compositing gives the output an alpha channel; drop it where there was none to keep.
    if (flat || (!inputs.hasAlpha && !padsTransparent(spec, format))) image.removeAlpha();
  }
  applyMetadataPolicy(image, spec, inputs.copyright);
  return encode(image, spec, format);
}
