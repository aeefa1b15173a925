import fs from "node:fs";
import { performance } from "node:perf_hooks";
import type { AppContext } from "@/features/shared/context";
import { appEvents } from "@/features/shared/events";
import { resolveKey } from "@/features/shared/paths";
import type { ClaimedRun } from "./claim";
import { saveProgress } from "./heartbeat";
import { completed, decideAfterError, isUnclassified, type Decision } from "./outcome";
import { statement } from "./sql";
import type { ProcessResult, Processor } from "./types";

const PROGRESS_INTERVAL_MS = 250;

/** Writes a decision under the run's lease (the engine's next cycle); resolves false if the lease was lost. */
export type Settle = (decision: Decision) => Promise<{ written: boolean; now: number }>;

/**
 * Runs one claimed job to its end: call the processor with the run's AbortSignal, classify what
 * came back, have it written under the lease, then log one line and emit `job:finished`.
 * An abort ends the run at once even if the processor ignores the signal; whatever it produces
 * later is discarded.
 */
export async function executeRun(
  ctx: AppContext,
  run: ClaimedRun,
  signal: AbortSignal,
  processor: Processor,
  random: () => number,
  settle: Settle,
): Promise<void> {
  const progress = throttledProgress(ctx, run);
  let decision: Decision | undefined;
  let result: ProcessResult | undefined;
  try {
    const work = processor(run, { ctx, signal, reportProgress: progress.report });
    result = await untilAborted(work, signal, (late) => discardOutput(ctx, run, late));
    decision = completed(result);
  } catch (error) {
    const reason = signal.aborted ? signal.reason : error;
    if (isUnclassified(reason)) ctx.log.warn({ err: reason, jobId: run.job.id, batchId: run.job.batchId, attempt: run.attempt }, "job run threw an unclassified error");
    decision = decideAfterError(run.job, reason, ctx.config, ctx.clock.now(), random);
  } finally {
    progress.stop();
  }
  const { written, now } = decision ? await settle(decision) : { written: false, now: ctx.clock.now() };
  if (!written) {
    if (result) discardOutput(ctx, run, result);
    ctx.log.warn({ worker: run.job.leaseOwner, batchId: run.job.batchId, jobId: run.job.id }, "lease lost: run result dropped");
    return;
  }
  report(ctx, run, decision!, now - run.startedAt);
}

function report(ctx: AppContext, run: ClaimedRun, decision: Decision, durationMs: number): void {
  const outcome = decision.attempt;
  const error = "error" in decision ? decision.error : undefined;
  const line = {
    worker: run.job.leaseOwner,
    batchId: run.job.batchId,
    jobId: run.job.id,
    attempt: `${run.attempt} of ${run.job.maxAttempts}`,
    durationMs,
    outcome,
    next: decision.job.status,
    ...(error ? { error: error.message, code: error.code } : {}),
  };
  if (outcome === "completed" || outcome === "interrupted" || outcome === "cancelled") ctx.log.info(line, `job ${outcome}`);
  else ctx.log.warn(line, `job ${outcome}`);
  appEvents().emit("job:finished", { jobId: run.job.id, batchId: run.job.batchId, outcome, durationMs, attempt: run.attempt });
}

/** Settles with the work, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal, onLateResult: (value: T) => void): Promise<T> {
  if (signal.aborted) {
    work.then(onLateResult, () => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.then(onLateResult, () => undefined);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) return; // onAbort already rejected and will discard this value
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Removes an output this run wrote but may not keep (lease lost, or produced after an abort),
 * unless the job row already points at that very file as its completed output (another run of
 * the same job wrote the same name and won).
 */
function discardOutput(ctx: AppContext, run: ClaimedRun, result: ProcessResult): void {
  const row = statement(ctx.db.$client, `SELECT status, output_key AS outputKey FROM jobs WHERE id = ?`).get(run.job.id) as
    | { status: string; outputKey: string | null }
    | undefined;
  if (row?.status === "completed" && row.outputKey === result.outputKey) return;
  try {
    fs.rmSync(resolveKey(ctx.paths, result.outputKey), { force: true });
  } catch (error) {
    ctx.log.warn({ err: error, jobId: run.job.id }, "could not remove a dropped output");
  }
}

/** reportProgress -> jobs.progress at most every 250 ms per run. */
function throttledProgress(ctx: AppContext, run: ClaimedRun) {
  const lease = { jobId: run.job.id, leaseToken: run.leaseToken };
  let lastWrite = -Infinity;
  let stopped = false;
  return {
    report(fraction: number) {
      if (stopped || !Number.isFinite(fraction)) return;
      const at = performance.now();
      if (at - lastWrite < PROGRESS_INTERVAL_MS) return;
      lastWrite = at;
      try {
        saveProgress(ctx.db.$client, lease, Math.min(1, Math.max(0, fraction)));
      } catch (error) {
        ctx.log.debug({ err: error, jobId: run.job.id }, "progress not saved");
      }
    },
    stop() {
      stopped = true;
    },
  };
}
