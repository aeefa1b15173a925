import { AppError } from "@/features/shared/errors";
import { parseWith } from "@/features/shared/http";
import type { UploadLimits } from "./multipart";
import { jsonUploadSchema } from "./schemas";
import { writeStagedBuffer, type StagedFile, type UploadStaging } from "./staging";

export interface ParsedJsonUpload {
  options: Record<string, unknown>;
  files: StagedFile[];
}

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/** Maps another client's JSON upload body onto ours before it is validated (the seed adapters). */
export type JsonBodyMapper = (raw: unknown) => unknown;

/**
 * The application/json variant for scripts: `{files:[{file_name, file_data (base64)}], pipeline_id,
 * priority, description, customer_prefix, user_id, external_ref}`. The body is held in memory, so it
 * is capped at MAX_JSON_BODY_MB: refused up front by Content-Length and again while reading (chunked
 * bodies).
 */
export async function readJsonUpload(
  request: Request,
  limits: UploadLimits & { maxBodyBytes: number },
  staging: UploadStaging,
  mapBody: JsonBodyMapper = (raw) => raw,
): Promise<ParsedJsonUpload> {
  const text = await readCapped(request, limits.maxBodyBytes);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError("invalid_json", "The request body is not valid JSON.");
  }
  const body = parseWith(jsonUploadSchema, mapBody(raw), "body");
  if (body.files.length > limits.maxFiles) {
    const extra = body.files[limits.maxFiles]!.file_name;
    throw new AppError("too_many_files", `Too many files: at most ${limits.maxFiles} per batch; ${extra} is one too many.`, {
      details: { file: extra, max_files: limits.maxFiles },
    });
  }
  const files: StagedFile[] = [];
  for (const file of body.files) {
    const data = Buffer.from(file.file_data, "base64");
    if (data.length > limits.maxFileBytes) {
      throw new AppError("file_too_large", `${file.file_name} is larger than ${mb(limits.maxFileBytes)}.`, {
        details: { file: file.file_name, max_bytes: limits.maxFileBytes },
      });
    }
    const tempPath = staging.newPath();
    files.push({ originalName: file.file_name, tempPath, ...(await writeStagedBuffer(data, tempPath)) });
  }
  const { files: _files, ...options } = body;
  return { options, files };
}

async function readCapped(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    new AppError("payload_too_large", `The JSON body is larger than ${mb(maxBytes)}; send large uploads as multipart/form-data.`, {
      details: { max_bytes: maxBytes },
    });
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw tooLarge();
  if (!request.body) throw new AppError("invalid_json", "The request body is empty.");
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      throw new AppError("client_closed", "The client closed the connection before the upload finished.");
    }
    if (chunk.done) break;
    received += chunk.value.length;
    if (received > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(chunk.value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
