import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import busboy from "busboy";
import { fileTypeFromBuffer } from "file-type";
import { z } from "zod";
import type { AppContext } from "@/features/shared/context";
import { AppError } from "@/features/shared/errors";
import { BODY_LIMITS, parseJsonBody, parseWith } from "@/features/shared/http";
import { ACCEPTED_MIME, ACCEPTED_TYPES_TEXT } from "@/features/uploads/accepted-types";
import { previewJsonSchema, previewSpecSchema, SAMPLE_NAMES, type PipelineSpec } from "./schemas";

/** The largest image a preview takes; the editor's samples are far smaller. */
const PREVIEW_MAX_MB = 20;

export const samplePath = (name: string) => path.join(process.cwd(), "public", "samples", name);

export interface PreviewInput {
  spec: PipelineSpec;
  image: Buffer;
}

/**
 * The spec and image of POST /api/pipelines/preview: JSON `{spec, sample}` through the shared
 * byte-capped reader, or multipart `spec` (JSON text) + `sample` (a bundled name) | `file` (an image,
 * capped at 20 MB and sniffed like an upload).
 */
export async function readPreviewInput(ctx: AppContext, request: Request): Promise<PreviewInput> {
  const type = request.headers.get("content-type") ?? "";
  if (type.startsWith("multipart/form-data")) return readMultipart(ctx, request, type);
  const parsed = await parseJsonBody(request, previewJsonSchema, { maxBytes: BODY_LIMITS.large });
  return { spec: { ...parsed.spec, name: parsed.spec.name ?? "Preview" }, image: await fs.promises.readFile(samplePath(parsed.sample)) };
}

async function readMultipart(ctx: AppContext, request: Request, contentType: string): Promise<PreviewInput> {
  if (!request.body) throw new AppError("invalid_multipart", "The request has no body.");
  const maxBytes = Math.min(ctx.config.MAX_FILE_SIZE_MB, PREVIEW_MAX_MB) * 1024 * 1024;
  const fields: Record<string, string> = {};
  let upload: Buffer | undefined;
  await new Promise<void>((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: { "content-type": contentType }, limits: { files: 1, fileSize: maxBytes, fields: 10, fieldSize: 64 * 1024 } });
    } catch {
      reject(new AppError("invalid_multipart", "The multipart request is malformed."));
      return;
    }
    bb.on("field", (name, value) => void (fields[name] = value));
    bb.on("file", (_name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("limit", () =>
        reject(new AppError("file_too_large", `The preview image is larger than ${maxBytes / 1024 / 1024} MB.`, { details: { file: info.filename } })),
      );
      stream.on("end", () => void (upload = Buffer.concat(chunks)));
    });
    bb.on("error", () => reject(new AppError("invalid_multipart", "The multipart request is malformed.")));
    bb.on("close", () => resolve());
    Readable.fromWeb(request.body as WebReadableStream).on("error", reject).pipe(bb);
  });
  const specJson = parseWith(z.string({ error: "spec is required" }), fields.spec, "spec");
  let raw: unknown;
  try {
    raw = JSON.parse(specJson);
  } catch {
    throw new AppError("invalid_json", "The spec field is not valid JSON.", { details: { field: "spec" } });
  }
  const partial = parseWith(previewSpecSchema, raw, "spec");
  const spec = { ...partial, name: partial.name ?? "Preview" };
  if (upload) return { spec, image: await sniffed(upload) };
  const sample = parseWith(z.enum(SAMPLE_NAMES).default("landscape.jpg"), fields.sample, "sample");
  return { spec, image: await fs.promises.readFile(samplePath(sample)) };
}

async function sniffed(upload: Buffer): Promise<Buffer> {
  if (upload.length === 0) throw new AppError("bad_request", "The uploaded file is empty.", { details: { field: "file" } });
  const kind = await fileTypeFromBuffer(upload);
  // The same types an upload accepts: a preview of a file that could never be uploaded would mislead.
  if (!kind || !ACCEPTED_MIME.has(kind.mime)) {
    throw new AppError("unsupported_media_type", `Only ${ACCEPTED_TYPES_TEXT} images can be previewed (SVG is not accepted).`, {
      details: { field: "file", detected: kind?.mime ?? null },
    });
  }
  return upload;
}
