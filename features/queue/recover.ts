import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import type { JobRow } from "@/db/schema";
import { refreshBatch } from "./batch-status";
import type { AppContext } from "@/features/shared/context";
import type { Logger } from "@/features/shared/logger";
import { wakeQueue } from "./runtime";
import { statement } from "./sql";
import { liveWorkerIds } from "./workers";

/**
 * Maintenance tasks that give the work of dead workers back to the queue:
 * - expired leases (the owner stopped heartbeating): outcome `crashed`, the attempt counts;
 * - jobs of workers known dead (pid gone on this host, or heartbeat expired), found at engine
 *   start or on demand: outcome `interrupted`, the attempt is given back.
 * Either way the death is counted on the job; the second one fails it, so one file that kills
 * its worker cannot crash-loop the server.
 */
export const WORKER_CRASHED = {
  code: "worker_crashed",
  message: "The worker crashed while processing this file twice, so it was not tried again.",
};
/** A crash on the last attempt the job had: failed for the same cause, with the right count. */
export const WORKER_CRASHED_LAST_ATTEMPT = {
  code: "worker_crashed",
  message: "The worker crashed while processing this file on its last attempt, so it was not tried again.",
};
const CRASHES_BEFORE_FAILING = 2;

type LostJob = Pick<JobRow, "id" | "batchId" | "leaseOwner" | "leaseExpiresAt" | "attempts" | "maxAttempts" | "crashCount">;
type LostOutcome = "crashed" | "interrupted";

/**
 * What recovery does to the batch of a job it gives back (RECOVERY_MODE): `resume` lets the queue
 * take the work again at once; `pause` parks the batch as paused so someone looks at it before it
 * runs again (a crash may have been the file's fault).
 */
export type RecoveryMode = "resume" | "pause";

/** One lost job as recovery left it. */
export interface LostJobResult {
  jobId: string;
  batchId: string;
  status: "pending" | "failed" | "cancelled";
  /** True when this requeue paused its batch (RECOVERY_MODE=pause). */
  pausedBatch: boolean;
}

const RUNNING_JOBS = `
  SELECT id, batch_id AS batchId, lease_owner AS leaseOwner, lease_expires_at AS leaseExpiresAt,
         attempts, max_attempts AS maxAttempts, crash_count AS crashCount
  FROM jobs WHERE status = 'processing'`;

/**
 * Jobs whose lease ran out: their worker stopped renewing it. With `outputsDir`, the files their
 * lost runs left in outputs/ go too (see leftoverOutputs).
 */
export function requeueExpiredLeases(sqlite: Database.Database, now: number, outputsDir?: string, log?: Logger, mode: RecoveryMode = "resume"): number {
  return recoverExpiredLeases(sqlite, now, { outputsDir, log, mode }).length;
}

/** Jobs held by workers that are not alive (marking those workers stopped), and their leftovers. */
export function requeueDeadWorkersJobs(sqlite: Database.Database, now: number, leaseMs: number, outputsDir?: string, log?: Logger, mode: RecoveryMode = "resume"): number {
  return recoverDeadWorkersJobs(sqlite, now, leaseMs, { outputsDir, log, mode }).length;
}

interface RecoverOptions {
  outputsDir?: string;
  log?: Logger;
  mode: RecoveryMode;
}

function recoverExpiredLeases(sqlite: Database.Database, now: number, options: RecoverOptions): LostJobResult[] {
  return recoverLost(sqlite, now, options, "crashed", () => runningJobs(sqlite).filter((job) => (job.leaseExpiresAt ?? 0) < now));
}

function recoverDeadWorkersJobs(sqlite: Database.Database, now: number, leaseMs: number, options: RecoverOptions): LostJobResult[] {
  return recoverLost(sqlite, now, options, "interrupted", () => {
    const live = liveWorkerIds(sqlite, now, leaseMs);
    return runningJobs(sqlite).filter((job) => !job.leaseOwner || !live.has(job.leaseOwner));
  });
}

/** One IMMEDIATE transaction: find the lost jobs, give each back; then remove leftovers and log. */
function recoverLost(sqlite: Database.Database, now: number, options: RecoverOptions, outcome: LostOutcome, findLost: () => LostJob[]): LostJobResult[] {
  const done = sqlite
    .transaction(() => {
      const lost = findLost();
      const results = lost.map((job) => requeueLostJob(sqlite, job, outcome, now, options.mode));
      return { results, files: leftoverOutputs(options.outputsDir, lost) };
    })
    .immediate();
  removeFiles(done.files);
  logLost(options.log, done.results.map((r) => r.line)); // after the commit: a rolled-back requeue is never reported
  return done.results.map((r) => r.result);
}

/**
 * What a run killed mid-write leaves in outputs/<batch>/: its temp file (`.<job id>.<rand>.tmp`),
 * or an output renamed into place whose commit never happened (`<job id>.<ext>`). A lost job has
 * no committed output, so both are garbage; left alone, a temp would sit beside the job's final
 * output for an hour (the stray sweep's grace) and a failed job would keep a file it does not own.
 * Listed inside the requeue transaction, before any new run of the job can start writing.
 */
function leftoverOutputs(outputsDir: string | undefined, jobs: LostJob[]): string[] {
  if (!outputsDir) return [];
  return jobs.flatMap((job) => {
    const dir = path.join(outputsDir, job.batchId);
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return [];
    }
    return names.filter((n) => n.startsWith(`.${job.id}.`) || n.startsWith(`${job.id}.`)).map((n) => path.join(dir, n));
  });
}

function removeFiles(files: string[]): void {
  for (const file of files) fs.rmSync(file, { force: true });
}

export interface RecoveryReport {
  /** Jobs of dead workers or expired leases dealt with (requeued, failed or cancelled). */
  recovered_count: number;
  /** Of those, jobs failed instead of requeued (their worker died on them too often). */
  failed_count: number;
  /** Batches with work given back, and batches with a job failed by recovery. */
  recovered_batch_ids: string[];
  failed_batch_ids: string[];
  /** Batches recovery paused for review (RECOVERY_MODE=pause). */
  paused_batch_ids: string[];
}

/** POST /api/maintenance/recover (and `npm run recover`): both tasks now, then wake the queue for what came back. */
export function recoverOrphanedJobs(ctx: AppContext): RecoveryReport {
  const now = ctx.clock.now();
  const options = { outputsDir: ctx.paths.outputs, log: ctx.log, mode: ctx.config.RECOVERY_MODE };
  const results = [
    ...recoverDeadWorkersJobs(ctx.db.$client, now, ctx.config.LEASE_S * 1000, options),
    ...recoverExpiredLeases(ctx.db.$client, now, options),
  ];
  const batches = (keep: (r: LostJobResult) => boolean) => [...new Set(results.filter(keep).map((r) => r.batchId))];
  const report: RecoveryReport = {
    recovered_count: results.length,
    failed_count: results.filter((r) => r.status === "failed").length,
    recovered_batch_ids: batches((r) => r.status === "pending"),
    failed_batch_ids: batches((r) => r.status === "failed"),
    paused_batch_ids: batches((r) => r.pausedBatch),
  };
  if (results.length > 0) {
    ctx.log.warn({ recovered: results.length, failed: report.failed_count, paused: report.paused_batch_ids.length }, "requeued jobs of dead workers");
    wakeQueue();
  }
  return report;
}

function runningJobs(sqlite: Database.Database): LostJob[] {
  return statement(sqlite, RUNNING_JOBS).all() as LostJob[];
}

interface LostLine {
  fields: Record<string, unknown>;
  message: string;
}

function logLost(log: Logger | undefined, lines: LostLine[]): void {
  for (const line of lines) log?.warn(line.fields, line.message);
}

const PAUSE_FOR_REVIEW = `UPDATE batches SET status = 'paused', paused_at = ?, updated_at = ? WHERE id = ? AND status IN ('pending', 'processing')`;

/** Gives the job back (or fails or cancels it) and returns what became of it and the log line that says so. */
function requeueLostJob(sqlite: Database.Database, job: LostJob, outcome: LostOutcome, now: number, mode: RecoveryMode): { result: LostJobResult; line: LostLine } {
  const crashes = job.crashCount + 1;
  const batch = statement(sqlite, `SELECT status FROM batches WHERE id = ?`).get(job.batchId) as { status: string } | undefined;
  const outOfAttempts = outcome === "crashed" && job.attempts >= job.maxAttempts;
  let next: { status: "failed" | "cancelled" | "pending"; error?: typeof WORKER_CRASHED };
  if (crashes >= CRASHES_BEFORE_FAILING) next = { status: "failed", error: WORKER_CRASHED };
  else if (outOfAttempts) next = { status: "failed", error: WORKER_CRASHED_LAST_ATTEMPT };
  else if (batch?.status === "cancelled") next = { status: "cancelled" };
  else next = { status: "pending" };

  statement(
    sqlite,
    `UPDATE jobs SET status = ?, crash_count = ?, attempts = attempts - ?, run_after = ?, progress = 0,
       error_code = coalesce(?, error_code), error_message = coalesce(?, error_message),
       completed_at = CASE WHEN ? = 'pending' THEN NULL ELSE ? END,
       lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, heartbeat_at = NULL, updated_at = ?
     WHERE id = ?`,
  ).run(
    next.status,
    crashes,
    outcome === "interrupted" ? 1 : 0,
    now,
    next.error?.code ?? null,
    next.error?.message ?? null,
    next.status,
    now,
    now,
    job.id,
  );
  const reason = outcome === "crashed" ? "The worker stopped renewing its lease." : "The worker process had exited.";
  statement(
    sqlite,
    `UPDATE attempts SET finished_at = ?, outcome = ?, error = ?, duration_ms = max(0, ? - started_at)
     WHERE job_id = ? AND finished_at IS NULL`,
  ).run(now, outcome, reason, now, job.id);
  const pausedBatch = next.status === "pending" && mode === "pause" && statement(sqlite, PAUSE_FOR_REVIEW).run(now, now, job.batchId).changes > 0;
  refreshBatch(sqlite, job.batchId, now);
  const fields = { batchId: job.batchId, jobId: job.id, outcome, crashes, attempt: `${job.attempts} of ${job.maxAttempts}`, status: next.status, reason };
  return {
    result: { jobId: job.id, batchId: job.batchId, status: next.status, pausedBatch },
    line: {
      fields: pausedBatch ? { ...fields, batchPaused: true } : fields,
      message: next.status === "pending" ? `job lost its worker and was requeued${pausedBatch ? "; its batch is paused for review" : ""}` : `job lost its worker and was ${next.status}`,
    },
  };
}
