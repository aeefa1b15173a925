import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { BatchRow, FileRow } from "@/db/schema";
import { batchName, chooseCustomerPrefix, safeFolder, sanitizeFileName, takeUniqueName } from "@/features/batches/naming";
import type { BatchPipeline } from "@/features/pipelines/queries";
import { resolveBatchPipelines } from "@/features/pipelines/service";
import { refreshBatch } from "@/features/queue/batch-status";
import { enqueueFileJobs } from "@/features/queue/enqueue";
import { localDate } from "@/features/shared/clock";
import type { AppContext } from "@/features/shared/context";
import { AppError } from "@/features/shared/errors";
import { assertWithinRateLimit, recordUpload, type Allowance } from "./rate-limit";
import type { InspectedFile } from "./inspect";
import { findBatchByIdempotencyKey, insertBatch, insertFile, releaseIdempotencyKey } from "./queries";
import type { UploadOptions } from "./schemas";
import type { UploadStaging } from "./staging";

const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;

/** What a batch needs to know of each input: stored under inputs/<sha256> by the time its rows commit. */
export type BatchInputFile = Pick<InspectedFile, "originalName" | "mime" | "size" | "sha256" | "width" | "height"> & {
  /** The folder it came from, already safe; absent: read from originalName (`shoot/day1/a.png`). */
  folder?: string;
};

export interface CommitInput {
  options: UploadOptions;
  files: InspectedFile[];
  /** The user the batch belongs to, and the allowance it counts against. */
  owner: string;
  allowance: Allowance;
  idempotencyKey?: string;
}

export type CommitResult = { batchId: string; replayed: false; bytes: number; pipelineIds: string[] } | { batchId: string; replayed: true };

/**
 * A batch created within the last 24 h under this Idempotency-Key, if any. One whose upload is still
 * arriving is not an answer yet (that upload may still fail): 409 upload_in_progress.
 */
export function findIdempotentBatch(ctx: AppContext, key: string, now: number): string | undefined {
  const row = findBatchByIdempotencyKey(ctx.db, key);
  if (!row || row.createdAt <= now - IDEMPOTENCY_WINDOW_MS) return undefined;
  if (row.receiving) {
    throw new AppError("upload_in_progress", "An upload with this Idempotency-Key is still arriving; ask again once it has finished.", {
      details: { batch_id: row.id },
    });
  }
  return row.id;
}

/**
 * Publishes a fully received and validated upload. Deliberately synchronous from the first rename to
 * the commit: nothing else in this process (batch deletion is synchronous too) can run in between,
 * so an input another batch is about to drop cannot vanish under us, and a failure can undo exactly
 * the inputs this call created. Temp files of identical content are dropped, not stored twice.
 */
export function commitUpload(ctx: AppContext, input: CommitInput, staging: UploadStaging): CommitResult {
  // Client names are worked on before the write lock is taken, not while it blocks every writer.
  const names = batchFileNames(input.files);
  const created: string[] = [];
  try {
    for (const file of input.files) {
      const target = path.join(ctx.paths.inputs, file.sha256);
      if (fs.existsSync(target)) fs.rmSync(file.tempPath, { force: true });
      else {
        fs.renameSync(file.tempPath, target);
        created.push(target);
      }
      staging.release(file.tempPath);
    }
    const result = ctx.db.$client.transaction(() => createBatchRows(ctx, { ...input, names })).immediate();
    if (result.replayed) removeAll(created);
    return result;
  } catch (error) {
    removeAll(created);
    throw error;
  }
}

function removeAll(files: string[]): void {
  for (const file of files) fs.rmSync(file, { force: true });
}

/**
 * The batch, its files and its jobs (files x pipelines); runs inside the IMMEDIATE transaction. The
 * one path every new batch takes, uploaded or made from stored inputs (stored.ts): naming, the
 * allowance, pipelines and the queue's job rows.
 */
export function createBatchRows(
  ctx: AppContext,
  input: Omit<CommitInput, "files"> & {
    files: BatchInputFile[];
    names?: BatchFileNames;
    /** The batch opens with its first file while the rest of the upload arrives (receiving.ts). */
    receiving?: { expectedFiles: number | null; namer: BatchFileNamer };
  },
): CommitResult {
  const sqlite = ctx.db.$client;
  const now = ctx.clock.now();
  if (input.idempotencyKey) {
    // Re-checked under the write lock: two requests with one key race to here, only one creates.
    const existing = findIdempotentBatch(ctx, input.idempotencyKey, now);
    if (existing) return { batchId: existing, replayed: true };
    // An expired key is free again: detach it from the old batch (the column is UNIQUE).
    releaseIdempotencyKey(ctx.db, input.idempotencyKey);
  }
  assertWithinRateLimit(ctx, input.allowance, now);
  const pipelines = resolveBatchPipelines(ctx, input.options.pipeline_id);
  const prefix = chooseCustomerPrefix({
    explicit: input.options.customer_prefix,
    fileNames: input.files.map(clientPath),
    fallback: ctx.config.DEFAULT_CUSTOMER_PREFIX,
  });
  const name = batchName(sqlite, prefix, localDate(now));
  const batchId = randomUUID();
  const bytes = input.files.reduce((sum, f) => sum + f.size, 0);
  insertBatch(ctx.db, {
    id: batchId,
    customerPrefix: name.customer_prefix,
    batchDate: name.batch_date,
    batchCounter: name.batch_counter,
    baseDirectoryName: name.base_directory_name,
    description: input.options.description ?? defaultDescription(input.receiving?.expectedFiles ?? input.files.length, pipelines),
    priority: input.options.priority,
    totalFiles: input.files.length,
    totalSize: bytes,
    idempotencyKey: input.idempotencyKey ?? null,
    externalRef: input.options.external_ref ?? null,
    owner: input.owner,
    createdAt: now,
    updatedAt: now,
    receiving: input.receiving !== undefined,
    expectedFiles: input.receiving?.expectedFiles ?? null,
  });
  const names = input.receiving ? undefined : (input.names ?? batchFileNames(input.files));
  input.files.forEach((file, i) => {
    const name = names ? { display: names.display[i]!, safe: names.safe[i]!, path: names.paths[i]! } : input.receiving!.namer.name(file);
    addFileRows(ctx, { batchId, file, name, pipelineIds: pipelines.map((p) => p.id), priority: input.options.priority }, now);
  });
  recordUpload(ctx, input.allowance, now);
  refreshBatch(sqlite, batchId, now);
  return { batchId, replayed: false, bytes, pipelineIds: pipelines.map((p) => p.id) };
}

/** One file of a batch and its jobs (one per pipeline); inside the batch's transaction. */
export function addFileRows(
  ctx: AppContext,
  input: { batchId: string; file: BatchInputFile; name: { display: string; safe: string; path: string | null }; pipelineIds: string[]; priority: BatchRow["priority"] },
  now: number,
): void {
  const row = fileRow(input.batchId, input.file, input.name, now);
  insertFile(ctx.db, row);
  enqueueFileJobs(ctx.db, { batchId: input.batchId, fileId: row.id, pipelineIds: input.pipelineIds, priority: input.priority }, ctx.config, now);
}

/** The shown and the safe name of each file of a batch, in order, and its folder path (null without one). */
export interface BatchFileNames {
  display: string[];
  safe: string[];
  paths: (string | null)[];
}

/** A file's name with the folder it came from, as the client sent it or as it was stored. */
const clientPath = (f: Pick<BatchInputFile, "originalName" | "folder">) => (f.folder ? `${f.folder}/${displayName(f.originalName)}` : f.originalName);

/**
 * Safe names are unique per folder (case-insensitively: `a.png`, `a (2).png`), so two `front.jpg`
 * from different product folders both stay `front.jpg`; a file without a folder has no path.
 */
export function batchFileNames(files: readonly Pick<BatchInputFile, "originalName" | "folder">[]): BatchFileNames {
  const namer = new BatchFileNamer();
  const named = files.map((f) => namer.name(f));
  return { display: named.map((n) => n.display), safe: named.map((n) => n.safe), paths: named.map((n) => n.path) };
}

/** The same naming one file at a time, for a batch whose files arrive one by one (receiving.ts). */
export class BatchFileNamer {
  /** Safe names taken per folder, compared without case: `Shoot/a.png` and `shoot/a.png` are one place in a ZIP. */
  private readonly taken = new Map<string, Set<string>>();

  name(file: Pick<BatchInputFile, "originalName" | "folder">): { display: string; safe: string; path: string | null } {
    const folder = file.folder ?? safeFolder(file.originalName);
    const key = folder.toLowerCase();
    if (!this.taken.has(key)) this.taken.set(key, new Set());
    const safe = takeUniqueName(sanitizeFileName(file.originalName), this.taken.get(key)!);
    return { display: displayName(file.originalName), safe, path: folder ? `${folder}/${safe}` : null };
  }
}

function fileRow(batchId: string, file: BatchInputFile, name: { display: string; safe: string; path: string | null }, now: number): FileRow {
  return {
    id: randomUUID(),
    batchId,
    originalName: name.display,
    safeName: name.safe,
    relativePath: name.path,
    mime: file.mime,
    size: file.size,
    sha256: file.sha256,
    storageKey: `inputs/${file.sha256}`,
    width: file.width,
    height: file.height,
    createdAt: now,
  };
}

/**
 * The name shown for a file: the client's name without control characters and without any path
 * (`../../x.png`, `C:\shoot\x.png` -> `x.png`; browsers send bare names anyway), capped. The ZIP
 * and the disk never use it: see safe_name and storage_key.
 */
function displayName(original: string): string {
  const cleaned = original.normalize("NFC").replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, "").trim();
  const base = cleaned.split(/[\\/]/).pop()!.trim();
  return [...(base === "" || base === "." || base === ".." ? "file" : base)].slice(0, 1000).join("");
}

function defaultDescription(fileCount: number, pipelines: BatchPipeline[]): string {
  return `${fileCount} file${fileCount === 1 ? "" : "s"} · ${pipelines.map((p) => p.name).join(", ")}`;
}
