import { AppError } from "@/features/shared/errors";
import { parseWith } from "@/features/shared/http";
import { trimEndWhere } from "@/features/shared/text";
import { StreamedFile, takeStreamedFiles } from "./json-files";
import { JsonSplitter } from "./json-stream";
import type { UploadLimits } from "./multipart";
import { jsonUploadSchema } from "./schemas";
import { storageError, writeStagedBuffer, type StagedFile, type UploadStaging } from "./staging";

export interface ParsedJsonUpload {
  options: Record<string, unknown>;
  files: StagedFile[];
}

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/** Maps another client's JSON upload body onto ours before it is validated (the seed adapters). */
export type JsonBodyMapper = (raw: unknown) => unknown;

/** Where the file data sits in the body as sent: `<listKey>[i].<valueKey>`. */
export interface StreamedKeys {
  listKey: string;
  valueKey: string;
}

/** Everything of a JSON upload but the file data: names, options. Far more than any real body needs. */
const MAX_FIELDS_BYTES = 1024 * 1024;

/**
 * The application/json variant for scripts: `{files:[{file_name, file_data (base64)}], pipeline_id,
 * priority, description, customer_prefix, user_id, external_ref}`. The body is never held whole:
 * each file's base64 is checked, decoded and written to tmp/ as it arrives (json-stream.ts), and
 * only the rest is parsed as JSON, so memory stays flat whatever the body's size. The body is still
 * capped at MAX_JSON_BODY_MB (refused up front by Content-Length and again while reading). Errors
 * come in the order a whole-body parse gives them: JSON, then the schema, then too many files, then
 * the first file over the size cap.
 */
export async function readJsonUpload(
  request: Request,
  limits: UploadLimits & { maxBodyBytes: number },
  staging: UploadStaging,
  mapBody: JsonBodyMapper = (raw) => raw,
  keys: StreamedKeys = { listKey: "files", valueKey: "file_data" },
): Promise<ParsedJsonUpload> {
  const streamed = new Map<number, StreamedFile>();
  try {
    const fields = await streamBody(request, limits, staging, keys, streamed);
    let raw: unknown;
    try {
      raw = JSON.parse(fields);
    } catch {
      throw new AppError("invalid_json", "The request body is not valid JSON.");
    }
    const mapped = mapBody(raw);
    const sources = takeStreamedFiles(mapped, streamed);
    const body = parseWith(jsonUploadSchema, mapped, "body");
    if (body.files.length > limits.maxFiles) {
      const extra = body.files[limits.maxFiles]!.file_name;
      throw new AppError("too_many_files", `Too many files: at most ${limits.maxFiles} per batch; ${extra} is one too many.`, {
        details: { file: extra, max_files: limits.maxFiles },
      });
    }
    const files: StagedFile[] = [];
    for (const [i, file] of body.files.entries()) {
      files.push(await stagedFile(file, sources[i], limits, staging));
    }
    const { files: _files, ...options } = body;
    return { options, files };
  } catch (error) {
    // Every temp write stops before the caller discards the staging.
    await Promise.all([...streamed.values()].map((file) => file.abort()));
    throw error;
  }
}

/** Reads the body through the splitter; returns the JSON text of everything but the file data. */
async function streamBody(
  request: Request,
  limits: UploadLimits & { maxBodyBytes: number },
  staging: UploadStaging,
  keys: StreamedKeys,
  streamed: Map<number, StreamedFile>,
): Promise<string> {
  const tooLarge = () =>
    new AppError("payload_too_large", `The JSON body is larger than ${mb(limits.maxBodyBytes)}; send large uploads as multipart/form-data.`, {
      details: { max_bytes: limits.maxBodyBytes },
    });
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > limits.maxBodyBytes) throw tooLarge();
  if (!request.body) throw new AppError("invalid_json", "The request body is empty.");
  const splitter = new JsonSplitter({
    ...keys,
    maxSkeletonBytes: MAX_FIELDS_BYTES,
    open: (index) => {
      const file = new StreamedFile(staging, limits.maxFileBytes, index < limits.maxFiles && !streamed.has(index));
      if (!streamed.has(index)) streamed.set(index, file);
      return file;
    },
  });
  const reader = request.body.getReader();
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
    if (received > limits.maxBodyBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    try {
      splitter.push(Buffer.from(chunk.value.buffer, chunk.value.byteOffset, chunk.value.byteLength));
      // Read on only as fast as the disk takes the decoded files.
      await Promise.all([...streamed.values()].map((file) => file.drained()));
    } catch (error) {
      throw storageError(error);
    }
  }
  return splitter.finish();
}

/** A validated entry as a staged file: the streamed one, or (data sent some other way) decoded from the body. */
async function stagedFile(
  file: { file_name: string; file_data: string; path?: string },
  source: StreamedFile | undefined,
  limits: UploadLimits,
  staging: UploadStaging,
): Promise<StagedFile> {
  const fileTooLarge = () =>
    new AppError("file_too_large", `${file.file_name} is larger than ${mb(limits.maxFileBytes)}.`, {
      details: { file: file.file_name, max_bytes: limits.maxFileBytes },
    });
  if (source) {
    const written = await source.written().catch((error: unknown) => {
      throw storageError(error);
    });
    if (source.tooLarge || !written || !source.tempPath) throw fileTooLarge();
    return { originalName: withFolder(file), tempPath: source.tempPath, ...written };
  }
  const data = Buffer.from(file.file_data, "base64");
  if (data.length > limits.maxFileBytes) throw fileTooLarge();
  staging.budget.count(data.length);
  const tempPath = staging.newPath();
  return { originalName: withFolder(file), tempPath, ...(await writeStagedBuffer(data, tempPath)) };
}

/**
 * The name as a multipart part would carry it: `path` + `/` + `file_name` (`shoot/day1/a.png`); a
 * `path` that already ends in the file name is taken as the whole path.
 */
function withFolder(file: { file_name: string; path?: string }): string {
  const folder = file.path && trimEndWhere(file.path, (c) => c === "/" || c === "\\");
  if (!folder) return file.file_name;
  return folder === file.file_name || folder.endsWith(`/${file.file_name}`) || folder.endsWith(`\\${file.file_name}`) ? folder : `${folder}/${file.file_name}`;
}
