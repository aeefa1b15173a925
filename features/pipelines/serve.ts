import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import contentDisposition from "content-disposition";
import type { AppContext } from "@/features/shared/context";
import { AppError, isAppError, notFound } from "@/features/shared/errors";
import { resolveKey } from "@/features/shared/paths";
import { safeSegment } from "@/features/downloads/names";
import { classifyError } from "./errors";
import { findJobOutput } from "./queries";
import { FORMAT_MIME, type OutputFormat } from "./schemas";
import { ensureThumbnail, placeholderThumbnail } from "./thumbnails";

/** A file answer: a web stream (never the whole file in memory) and its headers. */
export interface FileBody {
  body: BodyInit;
  headers: Record<string, string>;
}

const EXTENSION_FORMAT: Record<string, OutputFormat> = {
  jpg: "jpeg",
  jpeg: "jpeg",
  png: "png",
  webp: "webp",
  avif: "avif",
  tif: "tiff",
  tiff: "tiff",
  gif: "gif",
};

function streamOf(file: string): ReadableStream<Uint8Array> {
  return Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>;
}

/** GET /api/jobs/:id/output: a completed job's output with a safe Content-Disposition. */
export async function openJobOutput(ctx: AppContext, jobId: string, options: { download: boolean }): Promise<FileBody> {
  const job = findJobOutput(ctx.db, jobId);
  if (!job) throw notFound("job", jobId);
  if (job.status !== "completed" || !job.outputKey) {
    throw new AppError("conflict", `The job is ${job.status}; its output exists once it has completed.`, {
      details: { job_id: jobId, status: job.status },
    });
  }
  const file = resolveKey(ctx.paths, job.outputKey);
  const stat = await fs.promises.stat(file).catch(() => undefined);
  if (!stat) throw new AppError("not_found", "The output file is gone (it may have been cleaned up).", { details: { job_id: jobId } });
  const format = EXTENSION_FORMAT[path.extname(file).slice(1).toLowerCase()];
  // Sanitised again as it leaves: a name stored before the current rules must not reach a Save dialog raw.
  const name = safeSegment(job.outputName ?? path.basename(file), "output");
  return {
    body: streamOf(file),
    headers: {
      "Content-Type": format ? FORMAT_MIME[format] : "application/octet-stream",
      "Content-Length": String(stat.size),
      "Content-Disposition": contentDisposition(name, { type: options.download ? "attachment" : "inline" }),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, max-age=3600",
    },
  };
}

/**
 * GET /api/files/:id/thumbnail: the file's WebP thumbnail, made on first request if the processor
 * has not made it yet. A file that cannot be decoded gets a neutral placeholder image (marked with
 * X-Thumbnail-Placeholder and not cached), so galleries never show a broken image icon.
 */
export async function openThumbnail(ctx: AppContext, fileId: string): Promise<FileBody> {
  const headers = { "Content-Type": "image/webp", "X-Content-Type-Options": "nosniff" };
  try {
    const file = await ensureThumbnail(ctx, fileId);
    const stat = await fs.promises.stat(file);
    return {
      body: streamOf(file),
      headers: { ...headers, "Content-Length": String(stat.size), "Cache-Control": "private, max-age=86400" },
    };
  } catch (error) {
    if (isAppError(error)) throw error;
    const classified = classifyError(error);
    if (classified.kind === "transient") throw error;
    const bytes = await placeholderThumbnail();
    return {
      body: new Uint8Array(bytes) as Uint8Array<ArrayBuffer>,
      headers: { ...headers, "Content-Length": String(bytes.length), "Cache-Control": "no-store", "X-Thumbnail-Placeholder": classified.code },
    };
  }
}
