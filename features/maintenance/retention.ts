import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { refreshPlannerStatistics } from "@/db/client";
import { deleteBatchWithFiles } from "@/features/batches/delete";
import type { AppContext } from "@/features/shared/context";
import {
  checkpointWal,
  isBatchExpired,
  PRUNE_CHUNK,
  pruneAttemptChunk,
  pruneRateLimitEvents,
  selectExpiredBatchIds,
  type WalCheckpoint,
} from "./queries";
import type { CleanupOptions } from "./schemas";
import { rollUpHistory } from "./history";
import { removeStrayFiles } from "./strays";

const DAY_MS = 86_400_000;

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
  /** Ended days newly added to the run history (daily_history) before anything was pruned. */
  history_days_rolled_up: number;
  wal_checkpoint: WalCheckpoint;
  duration_ms: number;
}

/** One run, and the retention it applies (a run with a shorter one removes all a longer one would). */
interface CleanupRun {
  daysOld: number;
  promise: Promise<CleanupResult>;
}

/** Per database: the run in progress and at most one queued behind it. */
interface CleanupRuns {
  running?: CleanupRun;
  queued?: CleanupRun;
}

// On globalThis because Next.js may load this module more than once.
const holder = globalThis as unknown as {
  __batchyardCleanupRuns?: WeakMap<object, CleanupRuns>;
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
 *
 * One run at a time, and requests never pile up: a request the running run covers (same or shorter
 * retention) gets that run's result; any other joins the single run queued behind it, which then
 * applies the shortest retention any of its callers asked for.
 */
export function runCleanup(ctx: AppContext, options: CleanupOptions = {}): Promise<CleanupResult> {
  const daysOld = options.days_old ?? ctx.config.RETENTION_DAYS;
  const runs = cleanupRuns(ctx);
  if (!runs.running) return startRun(ctx, runs, daysOld);
  if (runs.running.daysOld <= daysOld) return runs.running.promise;
  if (runs.queued) {
    runs.queued.daysOld = Math.min(runs.queued.daysOld, daysOld);
    return runs.queued.promise;
  }
  const queued: CleanupRun = {
    daysOld,
    promise: runs.running.promise
      .catch(() => undefined)
      .then(() => {
        runs.queued = undefined;
        return startRun(ctx, runs, queued.daysOld);
      }),
  };
  runs.queued = queued;
  return queued.promise;
}

function cleanupRuns(ctx: AppContext): CleanupRuns {
  const all = (holder.__batchyardCleanupRuns ??= new WeakMap());
  let runs = all.get(ctx.db);
  if (!runs) all.set(ctx.db, (runs = {}));
  return runs;
}

function startRun(ctx: AppContext, runs: CleanupRuns, daysOld: number): Promise<CleanupResult> {
  const run: CleanupRun = {
    daysOld,
    promise: cleanup(ctx, { days_old: daysOld }).finally(() => {
      if (runs.running === run) runs.running = undefined;
    }),
  };
  runs.running = run;
  return run.promise;
}

async function cleanup(ctx: AppContext, options: CleanupOptions): Promise<CleanupResult> {
  const started = performance.now();
  const daysOld = options.days_old ?? ctx.config.RETENTION_DAYS;
  const now = ctx.clock.now();
  const cutoff = now - daysOld * DAY_MS;
  const log = ctx.log.child({ task: "cleanup", daysOld });

  // The run history keeps what the attempts about to be deleted say about their days.
  const historyDays = await rollUpHistory(ctx);
  const batches = await deleteExpiredBatches(ctx, cutoff);
  const prunedAttempts = await pruneAttempts(ctx, cutoff);
  const prunedRateLimits = pruneOldRateLimitEvents(ctx, cutoff, now);
  const strays = await removeStrayFiles(ctx, now);
  refreshPlannerStatistics(ctx.db.$client);
  const checkpoint = checkpointWal(ctx.db);

  const result: CleanupResult = {
    cleaned_count: batches.count,
    freed_bytes: batches.freedBytes + strays.freedBytes,
    days_old: daysOld,
    cutoff: new Date(cutoff).toISOString(),
    pruned_attempts: prunedAttempts,
    pruned_rate_limit_events: prunedRateLimits,
    stray_files_removed: strays.removed,
    history_days_rolled_up: historyDays,
    wal_checkpoint: checkpoint,
    duration_ms: Math.round(performance.now() - started),
  };
  log.info(result, "cleanup finished");
  holder.__batchyardLastCleanup = { ...result, finished_at: new Date(ctx.clock.now()).toISOString() };
  return result;
}

/** Deletes one batch at a time, re-checking each right before, so a pin or retry in between wins. */
async function deleteExpiredBatches(ctx: AppContext, cutoff: number) {
  const ids = selectExpiredBatchIds(ctx.db, cutoff);
  let count = 0;
  let freedBytes = 0;
  for (const id of ids) {
    if (!isBatchExpired(ctx.db, id, cutoff)) continue;
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
  let total = 0;
  let changes: number;
  do {
    changes = pruneAttemptChunk(ctx.db, cutoff);
    total += changes;
    await yieldToEventLoop();
  } while (changes === PRUNE_CHUNK);
  return total;
}

/** Upload events older than the retention, but never inside the rate-limit window still counting. */
function pruneOldRateLimitEvents(ctx: AppContext, cutoff: number, now: number): number {
  const windowStart = now - (ctx.config.UPLOAD_RATE_LIMIT?.windowMs ?? 0);
  return pruneRateLimitEvents(ctx.db, Math.min(cutoff, windowStart));
}
