import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { refreshPlannerStatistics } from "@/db/client";
import { deleteBatchWithFiles } from "@/features/batches/delete";
import type { AppContext } from "@/features/shared/context";
import type { CleanupOptions } from "./schemas";
import { removeStrayFiles } from "./strays";

const DAY_MS = 86_400_000;
/** Rows deleted per statement, so a large prune never holds the write lock for long. */
const PRUNE_CHUNK = 5_000;

export interface CleanupResult {
  /** Batches deleted with their files. */
  cleaned_count: number;
  /** Bytes removed from DATA_DIR: outputs, unreferenced inputs and stray files. */
  freed_bytes: number;
  days_old: number;
  cutoff: string;
  pruned_attempts: number;
  pruned_rate_limit_events: number;
  stray_files_removed: number;
  wal_checkpoint: { busy: number; log: number; checkpointed: number };
  duration_ms: number;
}

const EXPIRED_BATCH = `
  FROM batches b
  WHERE b.status IN ('completed', 'failed', 'cancelled') AND b.pinned = 0
    AND b.completed_at IS NOT NULL AND b.completed_at < ?
    AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.batch_id = b.id AND j.status = 'processing')`;

// Runs never overlap: the hourly run and POST /api/maintenance/cleanup queue behind each other.
const holder = globalThis as unknown as {
  __batchyardCleanup?: Promise<unknown>;
  __batchyardLastCleanup?: CleanupResult & { finished_at: string };
};

/** The result of the last cleanup this process ran (shown by /api/health and the System page). */
export function lastCleanup(): (CleanupResult & { finished_at: string }) | null {
  return holder.__batchyardLastCleanup ?? null;
}

/**
 * The retention task (docs/operations.md, Retention): finished, unpinned batches older than `days_old`
 * go with their outputs and unreferenced inputs; attempt and rate-limit rows older than that are
 * pruned; stray files are swept; the WAL is checkpointed so the database does not grow unbounded.
 */
export function runCleanup(ctx: AppContext, options: CleanupOptions = {}): Promise<CleanupResult> {
  const run = (holder.__batchyardCleanup ?? Promise.resolve()).catch(() => undefined).then(() => cleanup(ctx, options));
  holder.__batchyardCleanup = run;
  return run;
}

async function cleanup(ctx: AppContext, options: CleanupOptions): Promise<CleanupResult> {
  const started = performance.now();
  const daysOld = options.days_old ?? ctx.config.RETENTION_DAYS;
  const now = ctx.clock.now();
  const cutoff = now - daysOld * DAY_MS;
  const log = ctx.log.child({ task: "cleanup", daysOld });

  const batches = await deleteExpiredBatches(ctx, cutoff);
  const prunedAttempts = await pruneAttempts(ctx, cutoff);
  const prunedRateLimits = pruneRateLimitEvents(ctx, cutoff, now);
  const strays = await removeStrayFiles(ctx, now);
  refreshPlannerStatistics(ctx.db.$client);
  const checkpoint = checkpointWal(ctx);

  const result: CleanupResult = {
    cleaned_count: batches.count,
    freed_bytes: batches.freedBytes + strays.freedBytes,
    days_old: daysOld,
    cutoff: new Date(cutoff).toISOString(),
    pruned_attempts: prunedAttempts,
    pruned_rate_limit_events: prunedRateLimits,
    stray_files_removed: strays.removed,
    wal_checkpoint: checkpoint,
    duration_ms: Math.round(performance.now() - started),
  };
  log.info(result, "cleanup finished");
  holder.__batchyardLastCleanup = { ...result, finished_at: new Date(ctx.clock.now()).toISOString() };
  return result;
}

/** Deletes one batch at a time, re-checking each right before, so a pin or retry in between wins. */
async function deleteExpiredBatches(ctx: AppContext, cutoff: number) {
  const sqlite = ctx.db.$client;
  const ids = (sqlite.prepare(`SELECT b.id ${EXPIRED_BATCH} ORDER BY b.completed_at`).all(cutoff) as { id: string }[]).map((r) => r.id);
  const stillExpired = sqlite.prepare(`SELECT 1 ${EXPIRED_BATCH} AND b.id = ?`);
  let count = 0;
  let freedBytes = 0;
  for (const id of ids) {
    if (!stillExpired.get(cutoff, id)) continue;
    const deleted = deleteBatchWithFiles(ctx, id);
    if (deleted) {
      count++;
      freedBytes += deleted.freedBytes;
      ctx.log.info({ batchId: id, freedBytes: deleted.freedBytes }, "retention deleted batch");
    }
    await yieldToEventLoop();
  }
  return { count, freedBytes };
}

/** Attempt history of the jobs that remain (pinned or still active batches) past the retention. */
async function pruneAttempts(ctx: AppContext, cutoff: number): Promise<number> {
  const prune = ctx.db.$client.prepare(
    `DELETE FROM attempts WHERE id IN (SELECT id FROM attempts WHERE finished_at < ? LIMIT ${PRUNE_CHUNK})`,
  );
  let total = 0;
  let changes: number;
  do {
    changes = prune.run(cutoff).changes;
    total += changes;
    await yieldToEventLoop();
  } while (changes === PRUNE_CHUNK);
  return total;
}

/** Upload events older than the retention, but never inside the rate-limit window still counting. */
function pruneRateLimitEvents(ctx: AppContext, cutoff: number, now: number): number {
  const windowStart = now - (ctx.config.UPLOAD_RATE_LIMIT?.windowMs ?? 0);
  return ctx.db.$client.prepare("DELETE FROM rate_limit_events WHERE created_at < ?").run(Math.min(cutoff, windowStart)).changes;
}

/** TRUNCATE resets the -wal file to zero bytes when no reader is in the way (`busy` says if one was). */
function checkpointWal(ctx: AppContext): CleanupResult["wal_checkpoint"] {
  const [row] = ctx.db.$client.pragma("wal_checkpoint(TRUNCATE)") as { busy: number; log: number; checkpointed: number }[];
  return row ?? { busy: 0, log: 0, checkpointed: 0 };
}
