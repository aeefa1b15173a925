/**
 * The run history's SQL: one day's runs read off attempts (attempts_finished_at_outcome_idx and
 * attempts_outcome_finished_at_duration_ms_idx), and the daily_history roll-up rows. The maintenance
 * feature's other statements are in queries.ts.
 */
import type { AppDb } from "@/db/client";
import type { DailyHistoryRow } from "@/db/schema";
import { statement } from "@/db/statements";

type Range = { start: number; end: number };

/** How many runs finished in [start, end) with each outcome. */
export function countOutcomesBetween(db: AppDb, { start, end }: Range): Map<string, number> {
  const rows = statement(db.$client, "SELECT outcome, count(*) AS n FROM attempts WHERE finished_at >= ? AND finished_at < ? GROUP BY outcome").all(start, end) as {
    outcome: string;
    n: number;
  }[];
  return new Map(rows.map((r) => [r.outcome, r.n]));
}

/** Run times of the completed runs that finished in [start, end), shortest first. */
export function completedDurationsBetween(db: AppDb, { start, end }: Range): number[] {
  const sql = `SELECT duration_ms FROM attempts WHERE outcome = 'completed' AND finished_at >= ? AND finished_at < ? AND duration_ms IS NOT NULL
    ORDER BY duration_ms`;
  return (statement(db.$client, sql).all(start, end) as { duration_ms: number }[]).map((r) => r.duration_ms);
}

/** Input files with a run completed in [start, end), their bytes, and the bytes those runs wrote. */
export function processedBetween(db: AppDb, { start, end }: Range): { files: number; bytes: number; written: number } {
  const runs = "SELECT job_id FROM attempts WHERE outcome = 'completed' AND finished_at >= ? AND finished_at < ?";
  const inputs = statement(
    db.$client,
    `SELECT count(*) AS files, coalesce(sum(size), 0) AS bytes FROM files
      WHERE id IN (SELECT j.file_id FROM jobs j WHERE j.id IN (${runs}))`,
  ).get(start, end) as { files: number; bytes: number };
  const outputs = statement(db.$client, `SELECT coalesce(sum(output_size), 0) AS written FROM jobs WHERE id IN (${runs})`).get(start, end) as {
    written: number;
  };
  return { ...inputs, written: outputs.written };
}

/** The rolled-up days in [from, to] (YYYY-MM-DD, inclusive). */
export function selectHistoryDays(db: AppDb, from: string, to: string): DailyHistoryRow[] {
  return statement(
    db.$client,
    `SELECT day, runs, completed, failed, retried, crashed, timed_out AS timedOut, interrupted, cancelled, avg_ms AS avgMs,
            p95_ms AS p95Ms, max_ms AS maxMs, files_processed AS filesProcessed, bytes_processed AS bytesProcessed,
            bytes_written AS bytesWritten, computed_at AS computedAt
       FROM daily_history WHERE day >= ? AND day <= ? ORDER BY day`,
  ).all(from, to) as DailyHistoryRow[];
}

/** Stores (or replaces) one day's roll-up. */
export function upsertHistoryDay(db: AppDb, row: DailyHistoryRow): void {
  statement(
    db.$client,
    `INSERT OR REPLACE INTO daily_history (day, runs, completed, failed, retried, crashed, timed_out, interrupted, cancelled,
       avg_ms, p95_ms, max_ms, files_processed, bytes_processed, bytes_written, computed_at)
     VALUES (@day, @runs, @completed, @failed, @retried, @crashed, @timedOut, @interrupted, @cancelled,
       @avgMs, @p95Ms, @maxMs, @filesProcessed, @bytesProcessed, @bytesWritten, @computedAt)`,
  ).run(row);
}

export interface FinishedRun {
  id: number;
  outcome: string;
  duration_ms: number | null;
  finished_at: number;
  file_id: string | null;
  size: number | null;
  output_size: number | null;
}

const FINISHED_RUN = `SELECT a.id, a.outcome, a.duration_ms, a.finished_at, j.file_id, f.size, j.output_size
  FROM attempts a LEFT JOIN jobs j ON j.id = a.job_id LEFT JOIN files f ON f.id = j.file_id`;

/** Runs that finished in [start, end) with their file and output sizes (a deleted job's come back null). */
export function selectRunsFinishedBetween(db: AppDb, { start, end }: Range): FinishedRun[] {
  return statement(db.$client, `${FINISHED_RUN} WHERE a.finished_at >= ? AND a.finished_at < ?`).all(start, end) as FinishedRun[];
}

/** The ids of the runs that finished in [start, end), from attempts_finished_at_outcome_idx alone. */
export function selectRunIdsFinishedBetween(db: AppDb, { start, end }: Range): number[] {
  return (statement(db.$client, "SELECT id FROM attempts WHERE finished_at >= ? AND finished_at < ?").all(start, end) as { id: number }[]).map((r) => r.id);
}

/** One finished run with its file and output sizes; undefined when it is gone or not finished. */
export function findFinishedRun(db: AppDb, id: number): FinishedRun | undefined {
  return statement(db.$client, `${FINISHED_RUN} WHERE a.id = ? AND a.finished_at IS NOT NULL`).get(id) as FinishedRun | undefined;
}

/** One pipeline's runs that finished in [start, end), counted by outcome (each run's job read for its pipeline). */
export function countPipelineOutcomesBetween(db: AppDb, { start, end }: Range, pipelineId: string): Map<string, number> {
  const sql = `SELECT a.outcome, count(*) AS n FROM attempts a JOIN jobs j ON j.id = a.job_id
    WHERE a.finished_at >= ? AND a.finished_at < ? AND j.pipeline_id = ? GROUP BY a.outcome`;
  const rows = statement(db.$client, sql).all(start, end, pipelineId) as { outcome: string; n: number }[];
  return new Map(rows.map((r) => [r.outcome, r.n]));
}

/** Run times of one pipeline's completed runs that finished in [start, end), shortest first. */
export function pipelineDurationsBetween(db: AppDb, { start, end }: Range, pipelineId: string): number[] {
  const sql = `SELECT a.duration_ms FROM attempts a JOIN jobs j ON j.id = a.job_id
    WHERE a.outcome = 'completed' AND a.finished_at >= ? AND a.finished_at < ? AND a.duration_ms IS NOT NULL AND j.pipeline_id = ?
    ORDER BY a.duration_ms`;
  return (statement(db.$client, sql).all(start, end, pipelineId) as { duration_ms: number }[]).map((r) => r.duration_ms);
}
