import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import busboy from "busboy";
import { fileTypeFromBuffer } from "file-type";
import sharp from "sharp";
import { AppError } from "@/features/shared/errors";
import { ASSET_MAX_BYTES, ASSET_MAX_PIXELS, ASSET_MIME_TYPES } from "./schemas";

export interface ReceivedAsset {
  fileName: string;
  data: Buffer;
  mime: string;
  width: number;
  height: number;
}

const MAX_MB = ASSET_MAX_BYTES / 1024 / 1024;

/**
 * POST /api/assets' body: multipart with one `file` part, at most 10 MB (413 beyond, the rest of the
 * body dropped), sniffed from its bytes like an upload (415 for anything but PNG or WebP), decoded
 * header-first under a pixel cap, and refused (400) without an alpha channel: a watermark with no
 * transparency would stamp a rectangle over every output.
 */
export async function receiveAsset(request: Request): Promise<ReceivedAsset> {
  const { fileName, data } = await readFilePart(request);
  if (data.length === 0) throw new AppError("bad_request", "The watermark file is empty.", { details: { field: "file" } });
  const kind = await fileTypeFromBuffer(data);
  if (!kind || !(ASSET_MIME_TYPES as readonly string[]).includes(kind.mime)) {
    throw new AppError("unsupported_media_type", "A watermark must be a PNG or WebP image with transparency.", {
      details: { field: "file", detected: kind?.mime ?? null },
    });
  }
  let meta: sharp.Metadata;
  try {
    meta = await sharp(data, { limitInputPixels: ASSET_MAX_PIXELS, failOn: "warning" }).metadata();
    await sharp(data, { limitInputPixels: ASSET_MAX_PIXELS, failOn: "warning" }).stats();
  } catch {
    throw new AppError("unreadable_image", `The watermark cannot be read as an image of at most ${ASSET_MAX_PIXELS.toLocaleString("en")} pixels.`, {
      details: { field: "file" },
    });
  }
  if (!meta.hasAlpha) {
    throw new AppError("validation_failed", "The watermark has no transparency; save it as a PNG or WebP with an alpha channel.", {
      details: { fields: [{ field: "file", message: "no alpha channel" }] },
    });
  }
  return { fileName, data, mime: kind.mime, width: meta.width!, height: meta.height! };
}

function readFilePart(request: Request): Promise<{ fileName: string; data: Buffer }> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.startsWith("multipart/form-data") || !request.body) {
    return Promise.reject(new AppError("invalid_multipart", "Send the watermark as multipart/form-data with a `file` part."));
  }
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: { "content-type": type }, defParamCharset: "utf8", limits: { files: 1, fileSize: ASSET_MAX_BYTES, fields: 5, fieldSize: 1024, parts: 6 } });
    } catch {
      reject(new AppError("invalid_multipart", "The multipart request is malformed."));
      return;
    }
    const body = Readable.fromWeb(request.body as WebReadableStream<Uint8Array>);
    let found: { fileName: string; data: Buffer } | undefined;
    let failure: AppError | undefined;
    bb.on("file", (field, stream, info) => {
      if (field !== "file") {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("limit", () => {
        failure = new AppError("file_too_large", `The watermark is larger than ${MAX_MB} MB.`, { details: { file: info.filename } });
        stream.resume();
      });
      stream.on("end", () => {
        if (!failure) found = { fileName: info.filename ?? "watermark.png", data: Buffer.concat(chunks) };
      });
    });
    bb.on("error", () => reject(new AppError("invalid_multipart", "The multipart request is malformed.")));
    bb.on("close", () => {
      if (failure) reject(failure);
      else if (!found) reject(new AppError("no_files", "Attach the watermark as the `file` part.", { details: { field: "file" } }));
      else resolve(found);
    });
    body.on("error", reject).pipe(bb);
  });
}
