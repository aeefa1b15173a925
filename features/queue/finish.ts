import type Database from "better-sqlite3";
import type { ClaimedRun } from "./claim";
import type { Decision } from "./outcome";
import { statement } from "./sql";

/**
 * A run that would put its job back to pending (retry, shutdown) while the batch was cancelled —
 * the cancel raced the run's end — leaves it cancelled instead, never pending in a dead batch.
 */
const BACK_TO_PENDING_OR_CANCELLED = `(CASE WHEN @status = 'pending'
    AND (SELECT b.status FROM batches b WHERE b.id = jobs.batch_id) = 'cancelled' THEN 'cancelled' ELSE @status END)`;

/**
 * One UPDATE for every way a run can end. The WHERE clause is the compare-and-swap on the lease:
 * if recovery requeued the job, or the batch was deleted, while this run was busy, nothing
 * matches and the run's result is dropped instead of written over someone else's state.
 */
const FINISH_JOB = `
  UPDATE jobs SET status = ${BACK_TO_PENDING_OR_CANCELLED}, run_after = coalesce(@runAfter, run_after), attempts = attempts - @giveBack,
    progress = @progress, error_code = @errorCode, error_message = @errorMessage,
    output_key = @outputKey, output_name = @outputName, output_size = @outputSize,
    output_width = @outputWidth, output_height = @outputHeight,
    completed_at = CASE WHEN ${BACK_TO_PENDING_OR_CANCELLED} = 'cancelled' THEN @now ELSE @completedAt END,
    lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, heartbeat_at = NULL, updated_at = @now
  WHERE id = @id AND lease_token = @leaseToken AND status = 'processing'`;

const CLOSE_ATTEMPT = `UPDATE attempts SET finished_at = ?, outcome = ?, error = ?, duration_ms = ? WHERE id = ?`;

/**
 * Writes a run's decision and closes its `attempts` row, inside the caller's IMMEDIATE
 * transaction (cycle.ts), which refreshes the batch before committing. Returns false when the
 * lease was lost: nothing is written.
 */
export function applyFinish(sqlite: Database.Database, run: ClaimedRun, decision: Decision, now: number): boolean {
  const { changes } = statement(sqlite, FINISH_JOB).run(jobUpdate(run, decision, now));
  if (changes === 0) return false;
  const error = "error" in decision && decision.error ? decision.error.message : null;
  statement(sqlite, CLOSE_ATTEMPT).run(now, decision.attempt, error, now - run.startedAt, run.attemptId);
  return true;
}

function jobUpdate(run: ClaimedRun, decision: Decision, now: number) {
  const base = {
    id: run.job.id,
    leaseToken: run.leaseToken,
    now,
    runAfter: null as number | null,
    giveBack: 0,
    progress: 0,
    errorCode: null as string | null,
    errorMessage: null as string | null,
    outputKey: null as string | null,
    outputName: null as string | null,
    outputSize: null as number | null,
    outputWidth: null as number | null,
    outputHeight: null as number | null,
    completedAt: null as number | null,
  };
  const { job } = decision;
  if (job.status === "completed") {
    const { result } = job;
    return {
      ...base,
      status: "completed",
      progress: 1,
      outputKey: result.outputKey,
      outputName: result.outputName,
      outputSize: result.outputSize,
      outputWidth: result.outputWidth ?? null,
      outputHeight: result.outputHeight ?? null,
      completedAt: now,
    };
  }
  const error = "error" in decision ? decision.error : undefined;
  const withError = { ...base, errorCode: error?.code ?? null, errorMessage: error?.message ?? null };
  if (job.status === "pending") {
    // An interrupted run keeps the job's previous error text, if any, for the person looking at it.
    const kept = error ? withError : { ...base, errorCode: run.job.errorCode, errorMessage: run.job.errorMessage };
    return { ...kept, status: "pending", runAfter: job.runAfter, giveBack: job.countsAsAttempt ? 0 : 1 };
  }
  return { ...withError, status: job.status, completedAt: now };
}
