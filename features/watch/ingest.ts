import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { wakeQueue } from "@/features/queue/runtime";
import type { AppContext } from "@/features/shared/context";
import { isAppError } from "@/features/shared/errors";
import { parseWith } from "@/features/shared/http";
import { commitUpload } from "@/features/uploads/commit";
import { inspectFile, type InspectedFile } from "@/features/uploads/inspect";
import { uploadAllowance } from "@/features/uploads/rate-limit";
import { uploadOptionsSchema } from "@/features/uploads/schemas";
import { UploadStaging, writeStaged } from "@/features/uploads/staging";
import { StagingBudget } from "@/features/uploads/staging-budget";
import type { WatchedFolder } from "./folders";
import { findIngestedBatch } from "./queries";

/**
 * One ingest of the watch folder, in steps that each survive a crash (docs/operations.md, Watch
 * folder):
 * 1. claim: the settled files are renamed into `<subfolder>/.processing/<ingest id>/`, so no scan
 *    sees them again;
 * 2. files that are not images the upload would accept go to `.failed/` with a `.reason.txt`;
 * 3. the rest become one batch through the upload's own commit, with `watch:<ingest id>` as its
 *    Idempotency-Key;
 * 4. they move to `.done/<batch name>/` and the ingest folder goes.
 * A restart finds any `.processing/<id>/` left and runs it again from step 2: if step 3 had
 * committed, the key finds that batch and only step 4 remains, so no file is ingested twice.
 */

export const PROCESSING = ".processing";
export const DONE = ".done";
export const FAILED = ".failed";

export interface IngestOutcome {
  ingestId: string;
  batchId?: string;
  batchName?: string;
  accepted: number;
  refused: number;
}

export interface IngestHooks {
  /** Tests: runs right after the batch committed, before the files move (where a crash hurts most). */
  afterCommit?: (outcome: IngestOutcome & { fresh: boolean; names: string[] }) => void | Promise<void>;
}

/** Step 1: moves the files into a new ingest folder; answers its id. */
export async function claimFiles(folder: WatchedFolder, paths: readonly string[]): Promise<string> {
  const ingestId = randomUUID();
  const target = path.join(folder.dir, PROCESSING, ingestId);
  for (const rel of paths) {
    await fs.promises.mkdir(path.dirname(path.join(target, rel)), { recursive: true });
    // A file that vanished since the scan is simply not part of this batch.
    await fs.promises.rename(path.join(folder.dir, rel), path.join(target, rel)).catch(() => undefined);
  }
  return ingestId;
}

/** Ingest folders a stopped process left behind (or whose batch could not be made yet). */
export function pendingIngests(folder: WatchedFolder): string[] {
  const dir = path.join(folder.dir, PROCESSING);
  return fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : [];
}

/** Steps 2-4 for one ingest folder. Throws (leaving the folder for a later try) when the batch cannot be made now. */
export async function ingestClaimed(
  ctx: AppContext,
  folder: WatchedFolder,
  ingestId: string,
  owner: string,
  options: { fresh: boolean; hooks?: IngestHooks },
): Promise<IngestOutcome> {
  const dir = path.join(folder.dir, PROCESSING, ingestId);
  const key = `watch:${ingestId}`;
  const existing = findIngestedBatch(ctx.db, key);
  if (existing) return finish(folder, dir, { ingestId, batchId: existing.id, batchName: existing.name, accepted: listFiles(dir).length, refused: 0 });

  const staging = new UploadStaging(ctx.paths.tmp, new StagingBudget(ctx.config.UPLOAD_STAGING_MB * 1024 * 1024));
  try {
    const { accepted, refused } = await stageAll(ctx, dir, staging);
    for (const { rel, reason } of refused) await moveToFailed(folder, dir, rel, reason);
    if (accepted.length === 0) return finish(folder, dir, { ingestId, accepted: 0, refused: refused.length });
    const batchOptions = parseWith(uploadOptionsSchema, { pipeline_id: folder.pipelines }, "watch folder");
    const result = commitUpload(ctx, { options: batchOptions, files: accepted, owner, allowance: uploadAllowance(ctx, owner), idempotencyKey: key }, staging);
    const batch = findIngestedBatch(ctx.db, key)!;
    const outcome = { ingestId, batchId: result.batchId, batchName: batch.name, accepted: accepted.length, refused: refused.length };
    await options.hooks?.afterCommit?.({ ...outcome, fresh: options.fresh, names: accepted.map((f) => f.originalName) });
    wakeQueue();
    ctx.log.info({ batchId: result.batchId, folder: folder.name, files: accepted.length, refused: refused.length }, "watch folder: batch created");
    return finish(folder, dir, outcome);
  } finally {
    await staging.discard();
  }
}

/** Copies each claimed file to tmp/ (hashing it) and inspects it like an upload; sorts accepted from refused. */
async function stageAll(ctx: AppContext, dir: string, staging: UploadStaging) {
  const maxBytes = ctx.config.MAX_FILE_SIZE_MB * 1024 * 1024;
  const accepted: InspectedFile[] = [];
  const refused: { rel: string; reason: string }[] = [];
  for (const rel of listFiles(dir)) {
    const source = path.join(dir, rel);
    const { size } = await fs.promises.stat(source);
    if (size > maxBytes) {
      refused.push({ rel, reason: `${rel} is larger than MAX_FILE_SIZE_MB (${ctx.config.MAX_FILE_SIZE_MB} MB).` });
      continue;
    }
    const tempPath = staging.newPath();
    const written = await writeStaged(fs.createReadStream(source), tempPath, (bytes) => staging.budget.count(bytes));
    try {
      // The path below the subfolder is the name an upload of that folder would send.
      accepted.push(await inspectFile({ originalName: rel, tempPath, ...written }, ctx.config.MAX_INPUT_PIXELS));
    } catch (error) {
      if (!isAppError(error) || error.status >= 500) throw error;
      refused.push({ rel, reason: error.message });
    }
  }
  return { accepted, refused };
}

/** Step 4: the ingest's remaining files to `.done/<batch name>/` (none left when all were refused), then the folder goes. */
async function finish(folder: WatchedFolder, dir: string, outcome: IngestOutcome): Promise<IngestOutcome> {
  if (outcome.batchName) {
    const done = path.join(folder.dir, DONE, outcome.batchName);
    for (const rel of listFiles(dir)) {
      await fs.promises.mkdir(path.dirname(path.join(done, rel)), { recursive: true });
      await fs.promises.rename(path.join(dir, rel), freeName(path.join(done, rel)));
    }
  }
  await removeIngestFolder(dir);
  return outcome;
}

/** The ingest folder goes, and `.processing/` with it once no other ingest is in it. */
async function removeIngestFolder(dir: string): Promise<void> {
  await fs.promises.rm(dir, { recursive: true, force: true });
  await fs.promises.rmdir(path.dirname(dir)).catch(() => undefined);
}

async function moveToFailed(folder: WatchedFolder, dir: string, rel: string, reason: string): Promise<void> {
  const target = freeName(path.join(folder.dir, FAILED, rel));
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  await fs.promises.writeFile(`${target}.reason.txt`, `${reason}\n`);
  await fs.promises.rename(path.join(dir, rel), target);
}

/** `a.png`, else `a (2).png`, `a (3).png`… where earlier files already sit. */
function freeName(file: string): string {
  const ext = path.extname(file);
  const stem = file.slice(0, file.length - ext.length);
  let candidate = file;
  for (let n = 2; fs.existsSync(candidate); n++) candidate = `${stem} (${n})${ext}`;
  return candidate;
}

/** Files below an ingest folder, as paths relative to it, in a stable order. */
function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) out.push(rel);
    }
  };
  walk("");
  return out.sort();
}

/**
 * Whether an ingest that threw should be tried again later (the server could not make the batch
 * now: disk, memory, the owner's allowance) rather than its files refused.
 */
export function isRetryable(error: unknown): boolean {
  return !isAppError(error) || error.status >= 500 || error.code === "rate_limited";
}

/** An ingest that can never succeed (an unknown pipeline, say): every file it holds goes to `.failed/` with the reason. */
export async function refuseIngest(folder: WatchedFolder, ingestId: string, reason: string): Promise<number> {
  const dir = path.join(folder.dir, PROCESSING, ingestId);
  const files = listFiles(dir);
  for (const rel of files) await moveToFailed(folder, dir, rel, reason);
  await removeIngestFolder(dir);
  return files.length;
}
