import type sharp from "sharp";
import type { CopyrightFields } from "./exif";
import type { PipelineSpec } from "./schemas";

export type MetadataPolicy = "strip" | "keep" | "copyright_only";

/** The metadata policy a spec asks for: `metadata`, or for specs older than it `strip_metadata`. */
export function metadataPolicy(spec: Pick<PipelineSpec, "metadata" | "strip_metadata">): MetadataPolicy {
  return spec.metadata ?? (spec.strip_metadata ? "strip" : "keep");
}

/**
 * What an output carries besides pixels (docs/api.md, Pipelines):
 * - metadata `strip`: nothing; `keep`: every block of the input (EXIF with GPS, XMP, IPTC; with
 *   `strip_profile` only EXIF and XMP);
 *   `copyright_only`: EXIF Artist/Copyright and XMP dc:creator/dc:rights, nothing else (no GPS).
 * - color `srgb`: pixels converted to sRGB and the sRGB profile embedded, so every viewer shows the
 *   same colours; `keep_profile`: the input's pixels and profile untouched (wide gamut stays wide);
 *   `strip_profile`: converted to sRGB, no profile (the smallest file; viewers assume sRGB).
 * The orientation tag never survives as anything but 1: auto_orient turns the pixels upright and
 * sharp resets the tag in every mode.
 */
export function applyMetadataPolicy(
  image: sharp.Sharp,
  spec: Pick<PipelineSpec, "metadata" | "strip_metadata" | "color">,
  copyright: CopyrightFields | undefined,
): void {
  const policy = metadataPolicy(spec);
  // sharp keeps the profile with the "other" metadata blocks, so without a profile only EXIF and
  // XMP can be kept (IPTC goes with it).
  if (policy === "keep" && spec.color === "strip_profile") image.keepExif().keepXmp();
  else if (policy === "keep") image.keepMetadata();
  if (policy === "copyright_only") keepCopyright(image, copyright ?? {});
  switch (spec.color) {
    case "srgb":
      image.withIccProfile("srgb");
      break;
    case "keep_profile":
      image.keepIccProfile();
      break;
    case "strip_profile":
      // Converted like `srgb`, not attached.
      image.withIccProfile("srgb", { attach: false });
      break;
  }
}

function keepCopyright(image: sharp.Sharp, fields: CopyrightFields): void {
  const ifd0: Record<string, string> = {};
  if (fields.artist) ifd0.Artist = fields.artist;
  if (fields.copyright) ifd0.Copyright = fields.copyright;
  // withExif replaces the input's EXIF entirely: GPS and camera data do not come along.
  if (Object.keys(ifd0).length > 0) image.withExif({ IFD0: ifd0 });
  if (fields.xmp) image.withXmp(fields.xmp);
}
