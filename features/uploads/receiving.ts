import fs from "node:fs";
import path from "node:path";
import { deleteBatchWithFiles } from "@/features/batches/delete";
import { cancelPendingJobs, runningJobIds } from "@/features/queue/batch-actions";
import { refreshBatch } from "@/features/queue/batch-status";
import { abortRunningJobs, wakeQueue } from "@/features/queue/runtime";
import type { AppContext } from "@/features/shared/context";
import { AppError } from "@/features/shared/errors";
import { addFileRows, BatchFileNamer, createBatchRows, type CommitInput, type CommitResult } from "./commit";
import { inspectFile } from "./inspect";
import { dropBatchDeliveries } from "@/features/webhooks/queries";
import { addToBatchTotals, detachIdempotencyKey, endReceiving, findBatchOrigin, findReceivingBatch, forgetRateEvent, selectReceivingBatches } from "./queries";
import type { StagedFile, UploadStaging } from "./staging";

/**
 * A batch that is processed while its upload is still arriving (docs/api.md, Uploads: processing
 * starts as files arrive). A multipart upload that gives `file_count` before its first file gets
 * one: the batch opens with the first file (name, allowance and pipelines decided then, as a
 * whole upload decides them at its commit), and every later file becomes claimable as soon as it
 * is stored and inspected. The batch is `receiving` until the last file is in, so it cannot finish
 * early, and cancel and delete wait for the upload.
 *
 * The promise of a whole upload still holds: one the server never acknowledged leaves nothing
 * behind. If it fails (a refused file, the client gone, a count that does not match) `discard()`
 * removes the batch with any outputs already made and takes back its rate-limit event; if the
 * server dies first, removeUnfinishedUploads() does the same at the next start.
 */
export class ReceivingBatch {
  private opened: CommitResult | undefined;
  private readonly namer = new BatchFileNamer();
  private received = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly input: Omit<CommitInput, "files"> & { expectedFiles: number },
    private readonly staging: UploadStaging,
  ) {}

  get batchId(): string | undefined {
    return this.opened && !this.opened.replayed ? this.opened.batchId : undefined;
  }

  /**
   * One more file, fully staged: inspected, then published into the batch (opening it on the first).
   * `wanted()` says whether the upload is still going: it may have failed during the inspection.
   */
  async add(staged: StagedFile, wanted: () => boolean = () => true): Promise<void> {
    this.received += 1;
    if (this.received > this.input.expectedFiles) {
      throw new AppError("validation_failed", `The upload said file_count ${this.input.expectedFiles} but sends more files (${staged.originalName} is one too many).`, {
        details: { fields: [{ field: "file_count", message: `is ${this.input.expectedFiles}, and more files arrived` }], file: staged.originalName },
      });
    }
    if (this.opened?.replayed) return; // An Idempotency-Key repeat: the earlier batch is the answer; the rest is dropped.
    const file = await inspectFile(staged, this.ctx.config.MAX_INPUT_PIXELS);
    if (!wanted()) return; // The temp file stays with the staging, which the failed upload discards.
    // Synchronous from the rename to the commit, like commitUpload: see there.
    const target = path.join(this.ctx.paths.inputs, file.sha256);
    const created = !fs.existsSync(target);
    if (created) fs.renameSync(file.tempPath, target);
    else fs.rmSync(file.tempPath, { force: true });
    this.staging.release(file.tempPath);
    try {
      this.ctx.db.$client
        .transaction(() => {
          if (!this.opened) this.opened = createBatchRows(this.ctx, { ...this.input, files: [file], receiving: { expectedFiles: this.input.expectedFiles, namer: this.namer } });
          else this.append(file);
        })
        .immediate();
    } catch (error) {
      if (created) fs.rmSync(target, { force: true });
      throw error;
    }
    if (this.opened?.replayed && created) fs.rmSync(target, { force: true });
    wakeQueue();
  }

  private append(file: Parameters<typeof addFileRows>[1]["file"]): void {
    const opened = this.opened as Extract<CommitResult, { replayed: false }>;
    const batch = findReceivingBatch(this.ctx.db, opened.batchId);
    if (!batch?.receiving) throw new AppError("conflict", "The batch this upload was filling is gone.", { details: { batch_id: opened.batchId } });
    const now = this.ctx.clock.now();
    addFileRows(this.ctx, { batchId: opened.batchId, file, name: this.namer.name(file), pipelineIds: opened.pipelineIds, priority: batch.priority }, now);
    addToBatchTotals(this.ctx.db, opened.batchId, file.size);
    refreshBatch(this.ctx.db.$client, opened.batchId, now);
  }

  /** The last byte is in: the batch may now finish. Returns what the commit of a whole upload returns. */
  finish(): CommitResult {
    if (!this.opened) throw new AppError("no_files", 'No files in the upload; attach images as "files".');
    if (this.opened.replayed) return this.opened;
    if (this.received !== this.input.expectedFiles) {
      throw new AppError("validation_failed", `The upload said file_count ${this.input.expectedFiles} but sent ${this.received} file${this.received === 1 ? "" : "s"}.`, {
        details: { fields: [{ field: "file_count", message: `is ${this.input.expectedFiles}, and ${this.received} arrived` }] },
      });
    }
    const { batchId } = this.opened;
    const totals = this.ctx.db.$client
      .transaction(() => {
        const ended = endReceiving(this.ctx.db, batchId);
        if (!ended) throw new AppError("conflict", "The batch this upload was filling is gone.", { details: { batch_id: batchId } });
        refreshBatch(this.ctx.db.$client, batchId, this.ctx.clock.now());
        return ended;
      })
      .immediate();
    return { ...this.opened, bytes: totals.totalSize };
  }

  /**
   * The upload failed: the batch goes, with whatever its jobs made so far. Tried again a few times
   * if the database is busy; should it still fail, the next start removes the batch.
   */
  async discard(): Promise<void> {
    const batchId = this.batchId;
    if (!batchId) return;
    this.opened = undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        await stopRuns(this.ctx, batchId);
        removeUnfinishedBatch(this.ctx, batchId);
        return;
      } catch (error) {
        if (attempt === DISCARD_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }
}

const DISCARD_ATTEMPTS = 3;

/**
 * Frees the batch's Idempotency-Key (the client may retry at once), cancels its waiting jobs and
 * stops its running ones, waiting (bounded) as DELETE does.
 */
async function stopRuns(ctx: AppContext, batchId: string): Promise<void> {
  const sqlite = ctx.db.$client;
  const running = sqlite
    .transaction(() => {
      const now = ctx.clock.now();
      detachIdempotencyKey(ctx.db, batchId);
      cancelPendingJobs(sqlite, batchId, now);
      refreshBatch(sqlite, batchId, now);
      return runningJobIds(sqlite, batchId);
    })
    .immediate();
  abortRunningJobs(running);
  const deadline = Date.now() + ABORT_WAIT_MS;
  while (runningJobIds(sqlite, batchId).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/**
 * Removes a batch whose upload never finished: its upload stops counting against the owner's
 * allowance, and its rows (jobs included) and files go. A run of it still going in a separate
 * worker loses its lease and drops its output.
 */
function removeUnfinishedBatch(ctx: AppContext, batchId: string): void {
  ctx.db.$client
    .transaction(() => {
      const origin = findBatchOrigin(ctx.db, batchId);
      if (origin?.owner) forgetRateEvent(ctx.db, `user:${origin.owner}`, origin.createdAt);
      dropBatchDeliveries(ctx.db.$client, batchId);
    })
    .immediate();
  deleteBatchWithFiles(ctx, batchId);
  ctx.log.info({ batchId }, "unfinished upload removed with its batch");
}

const ABORT_WAIT_MS = 10_000;

/**
 * At start-up, before the queue runs: batches whose upload a previous process never finished (it
 * was killed while receiving) are removed, as a failed upload removes its batch at once.
 */
export function removeUnfinishedUploads(ctx: AppContext): number {
  const ids = selectReceivingBatches(ctx.db);
  for (const id of ids) removeUnfinishedBatch(ctx, id);
  if (ids.length > 0) ctx.log.warn({ batches: ids }, "removed batches whose upload never finished");
  return ids.length;
}
