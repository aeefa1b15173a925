import { percentile } from "@/features/batches/stats";
import { localDate } from "@/features/shared/clock";
import type { AppContext } from "@/features/shared/context";
import { dayStart } from "./history";
import { completedDurationsBetween, countOutcomesBetween, countPipelineOutcomesBetween, pipelineDurationsBetween } from "./history-queries";
import type { ChartQuery } from "./schemas";

/**
 * GET /api/stats/chart: the System page's history charts. The last 24 hours by hour, or the last 7
 * or 30 days by day (server time zone), each bucket read from attempts through their indexes:
 * outcome counts from attempts_finished_at_outcome_idx and run times from
 * attempts_outcome_finished_at_duration_ms_idx, both without touching a row; a pipeline filter
 * joins each run to its job. docs/benchmarks.md has what that costs at a million jobs.
 */

export interface ChartBucket {
  /** Start of the hour or day (ISO). */
  start: string;
  runs: number;
  completed: number;
  /** Runs that failed for good or timed out. */
  failed: number;
  crashed: number;
  retried: number;
  crash_rate: number;
  p50_ms: number | null;
  p95_ms: number | null;
  /** Completed runs per minute over the bucket (over its elapsed part for the current one). */
  files_per_min: number;
  partial: boolean;
}

const HOUR = 3_600_000;

type Range = { start: number; end: number };

function buckets(now: number, range: ChartQuery["range"]): Range[] {
  if (range === "24h") {
    const thisHour = Math.floor(now / HOUR) * HOUR;
    return Array.from({ length: 24 }, (_, i) => ({ start: thisHour - (23 - i) * HOUR, end: thisHour - (22 - i) * HOUR }));
  }
  const days = range === "7d" ? 7 : 30;
  const today = localDate(now);
  return Array.from({ length: days }, (_, i) => ({ start: dayStart(today, i - days + 1), end: dayStart(today, i - days + 2) }));
}

function bucketOf(ctx: AppContext, range: Range, pipelineId: string | undefined, now: number): ChartBucket {
  const outcomes = pipelineId ? countPipelineOutcomesBetween(ctx.db, range, pipelineId) : countOutcomesBetween(ctx.db, range);
  const durations = pipelineId ? pipelineDurationsBetween(ctx.db, range, pipelineId) : completedDurationsBetween(ctx.db, range);
  const n = (...names: string[]) => names.reduce((sum, name) => sum + (outcomes.get(name) ?? 0), 0);
  const runs = [...outcomes.values()].reduce((sum, count) => sum + count, 0);
  const minutes = Math.max(1, (Math.min(range.end, now) - range.start) / 60_000);
  return {
    start: new Date(range.start).toISOString(),
    runs,
    completed: n("completed"),
    failed: n("failed", "timeout"),
    crashed: n("crashed"),
    retried: n("retry"),
    crash_rate: runs === 0 ? 0 : Math.round((n("crashed") / runs) * 10_000) / 10_000,
    p50_ms: percentile(durations, 50),
    p95_ms: percentile(durations, 95),
    files_per_min: Math.round((n("completed") / minutes) * 100) / 100,
    partial: range.end > now,
  };
}

export function getChartHistory(ctx: AppContext, query: ChartQuery) {
  const now = ctx.clock.now();
  return {
    range: query.range,
    pipeline_id: query.pipeline_id ?? null,
    time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    data: buckets(now, query.range).map((range) => bucketOf(ctx, range, query.pipeline_id, now)),
    generated_at: new Date(now).toISOString(),
  };
}

export type ChartHistory = ReturnType<typeof getChartHistory>;
