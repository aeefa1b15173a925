import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { DailyHistoryRow } from "@/db/schema";
import { percentile } from "@/features/batches/stats";
import { localDate } from "@/features/shared/clock";
import type { AppContext } from "@/features/shared/context";
import { completedDurationsBetween, countOutcomesBetween, processedBetween, selectHistoryDays, upsertHistoryDay } from "./history-queries";
import { todayRow } from "./history-today";

/**
 * Run history per day (GET /api/stats/history): what ran, how it ended and how long it took, one
 * row per day in the server's time zone. A day that has ended is computed once from attempts and
 * kept in daily_history, so a request reads at most 89 stored rows plus today's new runs (the stats
 * budget at any size, docs/benchmarks.md), and the history outlives the attempts retention prunes
 * (cleanup rolls days up before it deletes anything). Today is kept up to date in this process
 * (history-today.ts).
 */

export const MAX_HISTORY_DAYS = 90;

export interface HistoryDay {
  date: string;
  /** Runs that finished that day, whatever their outcome. */
  runs: number;
  completed: number;
  /** Runs that failed for good (a retried run counts under `retried`). */
  failed: number;
  retried: number;
  crashed: number;
  timed_out: number;
  interrupted: number;
  cancelled: number;
  /** crashed / runs, 0 when nothing ran. */
  crash_rate: number;
  /** Run times of the completed runs. */
  avg_ms: number | null;
  p95_ms: number | null;
  max_ms: number | null;
  /** Input files with a completed run that day, and their bytes; bytes the completed runs wrote. */
  files_processed: number;
  bytes_processed: number;
  bytes_written: number;
  /** True for today: still counting. */
  partial: boolean;
}

export interface History {
  days: number;
  time_zone: string;
  data: HistoryDay[];
  generated_at: string;
}

/** Midnight that starts `day` (YYYY-MM-DD) plus `offset` days, in the server's time zone. */
export function dayStart(day: string, offset = 0): number {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(y, m - 1, d + offset).getTime();
}

/** The `days` local dates that end today, oldest first. */
function lastDays(now: number, days: number): string[] {
  const today = localDate(now);
  return Array.from({ length: days }, (_, i) => localDate(dayStart(today, i - days + 1)));
}

/** One day's figures from its attempts. */
export function computeDay(ctx: AppContext, day: string): DailyHistoryRow {
  const range = { start: dayStart(day), end: dayStart(day, 1) };
  const outcomes = countOutcomesBetween(ctx.db, range);
  const n = (outcome: string) => outcomes.get(outcome) ?? 0;
  const durations = completedDurationsBetween(ctx.db, range);
  const processed = processedBetween(ctx.db, range);
  return {
    day,
    runs: [...outcomes.values()].reduce((sum, count) => sum + count, 0),
    completed: n("completed"),
    failed: n("failed"),
    retried: n("retry"),
    crashed: n("crashed"),
    timedOut: n("timeout"),
    interrupted: n("interrupted"),
    cancelled: n("cancelled"),
    avgMs: durations.length === 0 ? null : Math.round(durations.reduce((sum, ms) => sum + ms, 0) / durations.length),
    p95Ms: percentile(durations, 95),
    maxMs: durations.at(-1) ?? null,
    filesProcessed: processed.files,
    bytesProcessed: processed.bytes,
    bytesWritten: processed.written,
    computedAt: ctx.clock.now(),
  };
}

/**
 * Stores the roll-up of every day of the last `days` that has ended and has none yet; returns how
 * many it wrote. Cleanup calls it before pruning (and so, a minute after start, does the first
 * cleanup), the history endpoint for what is still missing. The first roll-up of a large database
 * reads months of attempts: one day at a time, yielding in between, so requests and the queue go on.
 */
export async function rollUpHistory(ctx: AppContext, days = MAX_HISTORY_DAYS): Promise<number> {
  const closed = lastDays(ctx.clock.now(), days + 1).slice(0, -1);
  const stored = new Set(selectHistoryDays(ctx.db, closed[0]!, closed.at(-1)!).map((row) => row.day));
  let written = 0;
  for (const day of closed.filter((d) => !stored.has(d))) {
    upsertHistoryDay(ctx.db, computeDay(ctx, day));
    written++;
    await yieldToEventLoop();
  }
  return written;
}

/** GET /api/stats/history?days=N: the last N days (today included), oldest first. */
export async function getHistory(ctx: AppContext, days: number): Promise<History> {
  const now = ctx.clock.now();
  const dates = lastDays(now, days);
  if (days > 1) await rollUpHistory(ctx, days - 1);
  const stored = new Map(selectHistoryDays(ctx.db, dates[0]!, dates.at(-1)!).map((row) => [row.day, row]));
  const today = dates.at(-1)!;
  const live = await todayRow(ctx, today, { start: dayStart(today), end: dayStart(today, 1) });
  const data = dates.map((day) => toHistoryDay(day === today ? live : stored.get(day)!, day === today));
  return { days, time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone, data, generated_at: new Date(now).toISOString() };
}

function toHistoryDay(row: DailyHistoryRow, partial: boolean): HistoryDay {
  return {
    date: row.day,
    runs: row.runs,
    completed: row.completed,
    failed: row.failed,
    retried: row.retried,
    crashed: row.crashed,
    timed_out: row.timedOut,
    interrupted: row.interrupted,
    cancelled: row.cancelled,
    crash_rate: row.runs === 0 ? 0 : Math.round((row.crashed / row.runs) * 10_000) / 10_000,
    avg_ms: row.avgMs,
    p95_ms: row.p95Ms,
    max_ms: row.maxMs,
    files_processed: row.filesProcessed,
    bytes_processed: row.bytesProcessed,
    bytes_written: row.bytesWritten,
    partial,
  };
}
