"use client";

import { formatCount, formatDuration } from "@/app/_shared/format";
import { isActive, type BatchSummary } from "./api";

type Counts = Pick<BatchSummary, "status" | "total_jobs" | "completed_jobs" | "failed_jobs" | "cancelled_jobs" | "running_jobs" | "eta_seconds"> &
  Partial<Pick<BatchSummary, "receiving" | "total_pipelines">>;

/** The jobs the batch will have: while its upload arrives, the files still to come count too. */
export function plannedJobs(b: Counts): number {
  const expected = b.receiving?.expected;
  return expected && b.total_pipelines ? Math.max(b.total_jobs, expected * b.total_pipelines) : b.total_jobs;
}

/**
 * The share of the work done: jobs that produced their output. Failed and cancelled jobs are
 * settled but not done, so a cancelled batch reads 35 %, not 100 %. Rounded down: 100 % means all.
 */
export function donePercent(b: Counts): number {
  const planned = plannedJobs(b);
  return planned === 0 ? 0 : Math.floor((b.completed_jobs / planned) * 100);
}

/** "52 done · 98 cancelled", "18 done · 2 failed · 130 to go · about 3 min left", "2 done · 6 to come". */
export function progressWords(b: Counts): string {
  const toGo = b.total_jobs - b.completed_jobs - b.failed_jobs - b.cancelled_jobs;
  const toCome = plannedJobs(b) - b.total_jobs;
  const parts = [`${formatCount(b.completed_jobs)} done`];
  if (b.failed_jobs > 0) parts.push(`${formatCount(b.failed_jobs)} failed`);
  if (b.cancelled_jobs > 0) parts.push(`${formatCount(b.cancelled_jobs)} cancelled`);
  if (toGo > 0) parts.push(b.running_jobs > 0 ? `${formatCount(toGo)} to go (${formatCount(b.running_jobs)} running)` : `${formatCount(toGo)} to go`);
  if (toCome > 0) parts.push(`${formatCount(toCome)} still arriving`);
  else if (isActive(b) && toGo > 0) parts.push(b.eta_seconds ? `about ${formatDuration(b.eta_seconds)} left` : "estimating time left");
  return parts.join(" · ");
}

const SEGMENT = "h-full transition-[width] duration-500";

/**
 * Done, failed, cancelled and running jobs as segments of one bar, with the same in words, so a
 * full bar never hides what went wrong and the percentage is the work done.
 */
export function ProgressBar({ batch }: { batch: BatchSummary }) {
  const percent = donePercent(batch);
  const words = progressWords(batch);
  const planned = plannedJobs(batch);
  const share = (n: number) => `${planned ? (n / planned) * 100 : 0}%`;
  return (
    <div className="flex min-w-0 flex-col gap-1 sm:flex-row sm:items-center sm:gap-2">
      <div
        className="flex h-2 w-full min-w-16 overflow-hidden rounded-full bg-slate-200 sm:w-auto sm:flex-1 dark:bg-slate-700"
        role="progressbar"
        aria-label={`${batch.base_directory_name} progress`}
        aria-valuenow={percent}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuetext={`${percent}% done: ${words}, of ${planned}`}
      >
        <div className={`${SEGMENT} bg-emerald-500`} style={{ width: share(batch.completed_jobs) }} title={`${batch.completed_jobs} done`} />
        <div className={`${SEGMENT} bg-rose-500`} style={{ width: share(batch.failed_jobs) }} title={`${batch.failed_jobs} failed`} />
        <div className={`${SEGMENT} bg-zinc-400 dark:bg-zinc-500`} style={{ width: share(batch.cancelled_jobs) }} title={`${batch.cancelled_jobs} cancelled`} />
        {isActive(batch) && <div className={`${SEGMENT} animate-pulse bg-sky-400/70`} style={{ width: share(batch.running_jobs) }} title={`${batch.running_jobs} running`} />}
      </div>
      {/* A fixed width on wider screens lines the bars up from card to card. */}
      <p className="text-xs tabular-nums text-slate-600 sm:w-80 sm:shrink-0 sm:text-right dark:text-slate-400" data-testid="progress-words">
        <span className="font-semibold text-slate-800 dark:text-slate-200">{percent}%</span> · {words}
      </p>
    </div>
  );
}
