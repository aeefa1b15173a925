import type sharp from "sharp";
import type { OutputFormat, PipelineSpec } from "./schemas";

type EncoderSpec = Pick<PipelineSpec, "quality" | "compression" | "palette" | "progressive" | "mozjpeg" | "effort" | "chroma_subsampling">;

/** WebP's effort stops at 6; the spec's 0-9 scale is AVIF's. */
const WEBP_MAX_EFFORT = 6;

/** The encoder and its options, only those the spec sets (unset means the encoder's own default). */
export function encode(image: sharp.Sharp, spec: EncoderSpec, format: OutputFormat): sharp.Sharp {
  const quality = spec.quality ?? undefined;
  const effort = spec.effort ?? undefined;
  const chromaSubsampling = spec.chroma_subsampling ?? undefined;
  switch (format) {
    case "jpeg":
      return image.jpeg({ quality, mozjpeg: spec.mozjpeg, progressive: spec.progressive, chromaSubsampling });
    case "png":
      return image.png({ ...pngOptions(spec), progressive: spec.progressive });
    case "webp":
      return image.webp({ quality, effort: effort === undefined ? undefined : Math.min(effort, WEBP_MAX_EFFORT) });
    case "avif":
      return image.avif({ quality, effort, chromaSubsampling });
    case "tiff":
      return image.tiff({ quality });
    case "gif":
      return image.gif();
  }
}

/**
 * PNG stays lossless unless `palette` is on: `compression` only picks the zlib level (and with it
 * size against encoding time), and `quality` applies only to palette quantisation.
 */
export function pngOptions(spec: Pick<PipelineSpec, "compression" | "palette" | "quality">): sharp.PngOptions {
  const options: sharp.PngOptions = {};
  if (spec.compression != null) {
    options.compressionLevel = Math.round((spec.compression * 9) / 100);
    // Filtering per row costs time and only pays off when zlib works hard.
    options.adaptiveFiltering = spec.compression >= 50;
  }
  if (spec.palette) {
    options.palette = true;
    if (spec.quality != null) options.quality = spec.quality;
  }
  return options;
}
