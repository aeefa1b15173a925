import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import busboy from "busboy";
import { AppError } from "@/features/shared/errors";
import { FIELD_NAME_BYTES, FILE_FIELDS, MAX_FILE_NAME_CHARS } from "./schemas";
import { storageError, writeStaged, type StagedFile, type UploadStaging } from "./staging";

export interface UploadLimits {
  maxFiles: number;
  maxFileBytes: number;
  maxFields: number;
  maxFieldBytes: number;
}

export interface ParsedMultipart {
  fields: Map<string, string[]>;
  files: StagedFile[];
}

/**
 * Takes each file as soon as it is staged, in upload order (the next waits for the one before), for
 * an upload processed while it arrives. A rejection refuses the upload like any other refusal.
 */
export type FileSink = (file: StagedFile, wanted: () => boolean) => Promise<void>;

/**
 * Called as the first file part begins, with the fields sent before it: a sink when those fields
 * let the files be taken one by one (then no field may follow a file), else undefined.
 */
export type SinkFor = (fieldsBeforeFiles: Map<string, string[]>) => FileSink | undefined;

/** After a refusal the rest of the body is read and dropped so the client gets to see the answer. */
const DRAIN_CAP_BYTES = 100 * 1024 * 1024;

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/**
 * Streams a multipart body with busboy: each file goes straight to tmp/ (hashed and counted on the
 * way), text fields are collected. Never buffers a file. It settles only once every temp write has
 * stopped, so the caller can discard the staging without racing a write that is still opening.
 */
export function readMultipart(request: Request, limits: UploadLimits, staging: UploadStaging, sinkFor?: SinkFor): Promise<ParsedMultipart> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!request.body) return Promise.reject(new AppError("no_files", "The request has no body; attach at least one file."));
  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: { "content-type": contentType },
      defParamCharset: "utf8",
      // A dropped folder's files arrive as `shoot/day1/a.png`: the folder is kept (made safe in commit.ts).
      preservePath: true,
      // One more file than allowed, so the first file over the limit can be named.
      limits: {
        fields: limits.maxFields,
        fieldSize: limits.maxFieldBytes,
        fieldNameSize: FIELD_NAME_BYTES,
        files: limits.maxFiles + 1,
        fileSize: limits.maxFileBytes,
        parts: limits.maxFields + limits.maxFiles + 1,
      },
    });
  } catch {
    return Promise.reject(new AppError("invalid_multipart", "The multipart request is malformed (missing boundary)."));
  }
  const body = Readable.fromWeb(request.body as WebReadableStream<Uint8Array>);

  return new Promise<ParsedMultipart>((resolve, reject) => {
    const fields = new Map<string, string[]>();
    const writes: Promise<StagedFile>[] = [];
    const sources = new Set<Readable>();
    let failed = false;
    let sink: FileSink | undefined;
    /** The files handed to the sink so far, one after another. */
    let sunk: Promise<void> = Promise.resolve();

    const fail = (error: AppError) => {
      if (failed) return;
      failed = true;
      body.unpipe(bb);
      drain(body);
      for (const source of sources) source.destroy(error);
      // Reject only once every write (and the sink's current file) has stopped: either would outlive discard().
      void Promise.allSettled([...writes, sunk]).then(() => reject(error));
    };

    bb.on("field", (name, value, info) => {
      if (failed) return;
      if (info.nameTruncated || info.valueTruncated) {
        fail(new AppError("payload_too_large", `The field ${name} is longer than ${limits.maxFieldBytes} bytes.`, { details: { field: name } }));
        return;
      }
      if (FILE_FIELDS.has(name)) {
        fail(new AppError("validation_failed", `The ${name} field must be a file, not text.`, { details: { field: name } }));
        return;
      }
      if (sink) {
        fail(new AppError("validation_failed", `The field ${name} came after a file: an upload that gives file_count sends every field before its first file.`, { details: { field: name } }));
        return;
      }
      fields.set(name, [...(fields.get(name) ?? []), value]);
    });

    bb.on("file", (name, stream, info) => {
      const fileName = info.filename ?? "";
      if (failed) return void stream.resume();
      if (!FILE_FIELDS.has(name)) {
        stream.resume();
        return fail(new AppError("validation_failed", `${fileName} was sent in an unexpected field ${name}; send files as "files".`, { details: { field: name, file: fileName } }));
      }
      if (fileName.length > MAX_FILE_NAME_CHARS) {
        stream.resume();
        return fail(new AppError("validation_failed", `A file name is longer than ${MAX_FILE_NAME_CHARS} characters.`, {
          details: { fields: [{ field: "files", message: `file names are at most ${MAX_FILE_NAME_CHARS} characters` }], file: `${fileName.slice(0, 100)}…` },
        }));
      }
      if (writes.length === limits.maxFiles) {
        stream.resume();
        return fail(new AppError("too_many_files", `Too many files: at most ${limits.maxFiles} per batch; ${fileName} is one too many.`, { details: { file: fileName, max_files: limits.maxFiles } }));
      }
      if (writes.length === 0 && sinkFor) {
        try {
          sink = sinkFor(fields);
        } catch (error) {
          stream.resume();
          return fail(storageError(error));
        }
      }
      sources.add(stream);
      stream.on("limit", () =>
        fail(new AppError("file_too_large", `${fileName} is larger than ${mb(limits.maxFileBytes)}.`, { details: { file: fileName, max_bytes: limits.maxFileBytes } })),
      );
      const tempPath = staging.newPath();
      const write = writeStaged(stream, tempPath, (bytes) => staging.budget.count(bytes)).then(
        (written) => {
          sources.delete(stream);
          return { originalName: fileName, tempPath, ...written };
        },
        (error: unknown) => {
          sources.delete(stream);
          fail(storageError(error));
          throw error;
        },
      );
      write.catch(() => undefined); // handled through fail(); keep the process free of unhandled rejections
      writes.push(write);
      if (sink) {
        const take = sink;
        sunk = sunk.then(() => write).then((file) => (failed ? undefined : take(file, () => !failed)));
        sunk.catch((error: unknown) => fail(storageError(error)));
      }
    });

    bb.on("filesLimit", () => fail(new AppError("too_many_files", `Too many files: at most ${limits.maxFiles} per batch.`, { details: { max_files: limits.maxFiles } })));
    bb.on("fieldsLimit", () => fail(new AppError("payload_too_large", `Too many fields: at most ${limits.maxFields}.`)));
    bb.on("partsLimit", () => fail(new AppError("payload_too_large", "Too many parts in the multipart body.")));
    bb.on("error", (error: Error) =>
      fail(new AppError("invalid_multipart", `The multipart request is malformed: ${error.message}.`)),
    );
    bb.on("close", () => {
      if (failed) return;
      Promise.all([Promise.all(writes), sunk]).then(([files]) => {
        if (!failed) resolve({ fields, files });
      }, () => undefined);
    });
    body.on("error", () => fail(clientClosed()));
    request.signal?.addEventListener("abort", () => fail(clientClosed()), { once: true });
    body.pipe(bb);
  });
}

export const clientClosed = () => new AppError("client_closed", "The client closed the connection before the upload finished.");

/** Reads and drops what is left of a refused body, up to a cap, then cuts the connection. */
function drain(body: Readable): void {
  let dropped = 0;
  body.on("data", (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DRAIN_CAP_BYTES) body.destroy();
  });
  body.on("error", () => undefined);
  body.resume();
}
