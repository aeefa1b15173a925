import { JobError } from "@/features/queue/types";

/**
 * Sorts what sharp/libvips and the file system throw into what the queue should do with it.
 * Input problems never get better on retry (permanent); resource and I/O problems usually do
 * (transient). Messages are written for the person looking at the failed file, not for us.
 */

const TRANSIENT_CODES = new Set(["ENOSPC", "EMFILE", "ENFILE", "EBUSY", "EAGAIN", "EIO", "ENOMEM", "ETIMEDOUT", "EDQUOT"]);

const RULES: { test: RegExp; kind: JobError["kind"]; code: string; message: string }[] = [
  { test: /no space left|disk quota/i, kind: "transient", code: "disk_full", message: "The server ran out of disk space; the job will be retried." },
  { test: /too many open files/i, kind: "transient", code: "resource_busy", message: "The server is busy; the job will be retried." },
  { test: /out of memory|cannot allocate|memory allocation/i, kind: "transient", code: "out_of_memory", message: "The server ran out of memory; the job will be retried." },
  { test: /timeout/i, kind: "transient", code: "timeout", message: "Processing took too long." },
  { test: /pixel limit/i, kind: "permanent", code: "too_many_pixels", message: "The image has more pixels than this server accepts." },
  { test: /unsupported image format/i, kind: "permanent", code: "unsupported_format", message: "The file is not an image format Batchyard can read." },
  { test: /premature end|truncated|end of (stream|file|data)|unexpected end|not enough data|read error|short read/i, kind: "permanent", code: "truncated_image", message: "The image file is incomplete (it was cut off)." },
  // sharp sometimes reports only this line when libvips' warning text is lost between threads.
  { test: /warning treated as error/i, kind: "permanent", code: "corrupt_image", message: "The image file is damaged and cannot be decoded." },
  { test: /corrupt|invalid|bad |damaged|not a (jpeg|png|webp|tiff)|crc|huffman|marker|ihdr|decode|load/i, kind: "permanent", code: "corrupt_image", message: "The image file is damaged and cannot be decoded." },
];

export function classifyError(error: unknown): JobError {
  if (error instanceof JobError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const text = error instanceof Error ? error.message : String(error);
  if (code === "ENOENT") {
    return new JobError("permanent", "input_missing", "The uploaded file is no longer on the server.", { cause: error });
  }
  if (code && TRANSIENT_CODES.has(code)) {
    return new JobError("transient", code.toLowerCase(), `A temporary server problem (${code}); the job will be retried.`, { cause: error });
  }
  for (const rule of RULES) {
    if (rule.test.test(text)) return new JobError(rule.kind, rule.code, rule.message, { cause: error });
  }
  return new JobError("transient", "processing_error", "Processing failed unexpectedly; the job will be retried.", { cause: error });
}

export const emptyFileError = () =>
  new JobError("permanent", "empty_file", "The file is empty (0 bytes).");

export const invalidPipelineError = (detail: string) =>
  new JobError("permanent", "invalid_pipeline", `The pipeline's settings are invalid: ${detail}`);
