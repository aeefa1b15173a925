import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { DailyHistoryRow } from "@/db/schema";
import { percentile } from "@/features/batches/stats";
import type { AppContext } from "@/features/shared/context";
import { countOutcomesBetween, findFinishedRun, selectRunIdsFinishedBetween, selectRunsFinishedBetween, type FinishedRun } from "./history-queries";

/**
 * Today's row of the run history, the one day that is never stored. Reading the whole day on every
 * request would cost in proportion to the day's runs (each joined to its job and file); instead
 * this process keeps the day's figures and each request reads only the runs that finished since
 * the last one. The ids of the runs that finished from LATE_COMMIT_MS behind the newest one counted
 * are read again (from the index alone), since a run another process finished a moment ago can
 * commit after a later one; only those not counted yet are joined to their job and file. Then the
 * day's runs are counted by outcome, again from the index: if that differs from what is kept (runs
 * deleted with their batch, a commit later still), the day is read again from scratch, an hour at a
 * time with the event loop free in between (a restart in the middle of a busy day pays this once).
 */

const LATE_COMMIT_MS = 60_000;

interface Today {
  dataDir: string;
  day: string;
  start: number;
  end: number;
  /** The newest finished_at counted so far. */
  newest: number;
  /** Runs counted whose finished_at is within LATE_COMMIT_MS of `newest`: attempt id -> finished_at. */
  recent: Map<number, number>;
  outcomes: Map<string, number>;
  durations: number[];
  sorted: boolean;
  /** Input files with a completed run today -> their bytes. */
  files: Map<string, number>;
  written: number;
}

const holder = globalThis as unknown as { __batchyardHistoryToday?: Today };

const HOUR_MS = 3_600_000;

/** Today's figures, as computeDay would give them, at the cost of the runs since the last call. */
export async function todayRow(ctx: AppContext, day: string, range: { start: number; end: number }): Promise<DailyHistoryRow> {
  let today = holder.__batchyardHistoryToday;
  if (!today || today.day !== day || today.dataDir !== ctx.paths.root) today = await readDay(ctx, day, range);
  else catchUp(ctx, today);
  if (!sameCounts(today.outcomes, countOutcomesBetween(ctx.db, range))) today = await readDay(ctx, day, range);
  holder.__batchyardHistoryToday = today;
  return rowOf(today, ctx.clock.now());
}

async function readDay(ctx: AppContext, day: string, range: { start: number; end: number }): Promise<Today> {
  const today: Today = { dataDir: ctx.paths.root, day, ...range, newest: range.start, recent: new Map(), outcomes: new Map(), durations: [], sorted: true, files: new Map(), written: 0 };
  for (let start = range.start; start < range.end; start += HOUR_MS) {
    for (const run of selectRunsFinishedBetween(ctx.db, { start, end: Math.min(start + HOUR_MS, range.end) })) add(today, run);
    await yieldToEventLoop();
  }
  forgetOld(today);
  return today;
}

function catchUp(ctx: AppContext, today: Today): void {
  const from = Math.max(today.start, today.newest - LATE_COMMIT_MS);
  for (const id of selectRunIdsFinishedBetween(ctx.db, { start: from, end: today.end })) {
    if (today.recent.has(id)) continue;
    const run = findFinishedRun(ctx.db, id);
    if (run) add(today, run);
  }
  forgetOld(today);
}

function forgetOld(today: Today): void {
  for (const [id, at] of today.recent) if (at < today.newest - LATE_COMMIT_MS) today.recent.delete(id);
}

function add(today: Today, run: FinishedRun): void {
  today.recent.set(run.id, run.finished_at);
  today.newest = Math.max(today.newest, run.finished_at);
  today.outcomes.set(run.outcome, (today.outcomes.get(run.outcome) ?? 0) + 1);
  if (run.outcome !== "completed") return;
  if (run.duration_ms !== null) {
    today.durations.push(run.duration_ms);
    today.sorted = false;
  }
  if (run.file_id !== null) today.files.set(run.file_id, run.size ?? 0);
  today.written += run.output_size ?? 0;
}

function sameCounts(kept: Map<string, number>, actual: Map<string, number>): boolean {
  if (kept.size !== actual.size) return false;
  for (const [outcome, n] of actual) if (kept.get(outcome) !== n) return false;
  return true;
}

function rowOf(today: Today, now: number): DailyHistoryRow {
  if (!today.sorted) {
    today.durations.sort((a, b) => a - b); // mostly sorted already: close to linear
    today.sorted = true;
  }
  const { durations, outcomes } = today;
  const n = (outcome: string) => outcomes.get(outcome) ?? 0;
  return {
    day: today.day,
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
    filesProcessed: today.files.size,
    bytesProcessed: [...today.files.values()].reduce((sum, bytes) => sum + bytes, 0),
    bytesWritten: today.written,
    computedAt: now,
  };
}
