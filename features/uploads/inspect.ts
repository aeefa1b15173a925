import { fileTypeFromFile } from "file-type";
import sharp from "sharp";
import { AppError } from "@/features/shared/errors";
import { ACCEPTED_MIME, ACCEPTED_TYPES_TEXT } from "./accepted-types";
import type { StagedFile } from "./staging";

export interface InspectedFile extends StagedFile {
  mime: string;
  width: number | null;
  height: number | null;
}

/**
 * Decides a staged file's type from its bytes and reads its dimensions from the header only.
 * - Not an accepted raster (SVG, HTML, empty, anything else) -> 415 naming the file.
 * - A header that claims more than MAX_INPUT_PIXELS -> 413 file_too_large naming the file (a
 *   decompression bomb is refused before it is stored, not discovered by a worker).
 * - A header sharp cannot read is still accepted: the file fails as a job with the decoder's reason,
 *   like any file that only breaks while decoding.
 */
export async function inspectFile(file: StagedFile, maxPixels: number): Promise<InspectedFile> {
  const kind = file.size === 0 ? undefined : await fileTypeFromFile(file.tempPath);
  if (!kind || !ACCEPTED_MIME.has(kind.mime)) {
    const found = kind ? ` (found ${kind.mime})` : file.size === 0 ? " (the file is empty)" : "";
    throw new AppError("unsupported_media_type", `${file.originalName} is not a ${ACCEPTED_TYPES_TEXT} image${found}.`, {
      details: { file: file.originalName, detected: kind?.mime ?? null },
    });
  }
  const { width, height } = await headerSize(file.tempPath);
  if (width !== null && height !== null && width * height > maxPixels) {
    throw new AppError(
      "file_too_large",
      `${file.originalName} is ${width} x ${height} pixels; the limit is ${maxPixels.toLocaleString("en")} pixels.`,
      { details: { file: file.originalName, width, height, max_pixels: maxPixels } },
    );
  }
  return { ...file, mime: kind.mime, width, height };
}

async function headerSize(file: string): Promise<{ width: number | null; height: number | null }> {
  try {
    // metadata() parses the header without decoding pixels; the pixel cap is checked above instead.
    const meta = await sharp(file, { limitInputPixels: false, failOn: "none" }).metadata();
    return { width: meta.width ?? null, height: meta.pageHeight ?? meta.height ?? null };
  } catch {
    return { width: null, height: null };
  }
}

/** Files inspected at once: their reads share libuv's pool with image work and file I/O (features/threadpool.cjs). */
const INSPECT_CONCURRENCY = 4;

/**
 * Inspects up to INSPECT_CONCURRENCY files at a time, stops starting new ones after a refusal, and
 * names the first offending file in upload order, so the answer does not depend on which read
 * finished first.
 */
export async function inspectAll(files: StagedFile[], maxPixels: number): Promise<InspectedFile[]> {
  const inspected: InspectedFile[] = [];
  const refusals: { index: number; error: unknown }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < files.length && refusals.length === 0) {
      const i = next++;
      try {
        inspected[i] = await inspectFile(files[i]!, maxPixels);
      } catch (error) {
        refusals.push({ index: i, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(INSPECT_CONCURRENCY, files.length) }, worker));
  if (refusals.length > 0) throw refusals.reduce((a, b) => (b.index < a.index ? b : a)).error;
  return inspected;
}
