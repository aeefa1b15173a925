import type Database from "better-sqlite3";
import type { BatchRow } from "@/db/schema";
import { statement } from "@/db/statements";

/**
 * The dashboard's numbers (GET /api/batches/stats), one named query each, prepared once per
 * connection; the batches feature's other queries modules are queries.ts, detail-queries.ts and
 * list-queries.ts.
 */

type Sqlite = Database.Database;

/**
 * Run-time percentiles come from the latest this-many completed runs of the window. A busy day can
 * hold a great many runs, and sorting them all on every dashboard poll grows with the day; the
 * latest 5,000 read off attempts_outcome_finished_at_duration_ms_idx cost the same on any day and
 * give the same p50/p95 to within a few percent (docs/benchmarks.md).
 */
export const PERCENTILE_SAMPLE = 5_000;
/** The durations the percentiles are taken from (since, PERCENTILE_SAMPLE). */
export const LATEST_DURATIONS_SQL = `SELECT duration_ms FROM attempts WHERE outcome = 'completed' AND finished_at >= ? AND duration_ms IS NOT NULL
  ORDER BY finished_at DESC LIMIT ?`;

const count = (sqlite: Sqlite, sql: string, ...params: unknown[]) => (statement(sqlite, sql).get(...params) as { n: number }).n;

export function countBatchesByStatus(sqlite: Sqlite): { status: BatchRow["status"]; n: number }[] {
  return statement(sqlite, "SELECT status, count(*) AS n FROM batches GROUP BY status").all() as { status: BatchRow["status"]; n: number }[];
}

/** Jobs in one status over the whole database (the queue's depth, its running count). */
export function countJobsIn(sqlite: Sqlite, status: "pending" | "processing"): number {
  return count(sqlite, "SELECT count(*) AS n FROM jobs WHERE status = ?", status);
}

/** How many runs ended with each outcome since then. */
export function countOutcomesSince(sqlite: Sqlite, since: number): Map<string, number> {
  const rows = statement(sqlite, "SELECT outcome, count(*) AS n FROM attempts WHERE finished_at >= ? GROUP BY outcome").all(since) as { outcome: string; n: number }[];
  return new Map(rows.map((r) => [r.outcome, r.n]));
}

/** Run times of the latest PERCENTILE_SAMPLE completed runs since then, in no particular order. */
export function latestDurations(sqlite: Sqlite, since: number): number[] {
  return (statement(sqlite, LATEST_DURATIONS_SQL).all(since, PERCENTILE_SAMPLE) as { duration_ms: number }[]).map((r) => r.duration_ms);
}

export function countCompletedRunsSince(sqlite: Sqlite, since: number): number {
  return count(sqlite, "SELECT count(*) AS n FROM attempts WHERE finished_at >= ? AND outcome = 'completed'", since);
}

/** Batches that finished (completed or failed) since then. */
export function countBatchesFinishedSince(sqlite: Sqlite, since: number): number {
  return count(sqlite, "SELECT count(*) AS n FROM batches WHERE completed_at >= ? AND status IN ('completed', 'failed')", since);
}

export function countBatchesCreatedSince(sqlite: Sqlite, since: number): number {
  return count(sqlite, "SELECT count(*) AS n FROM batches WHERE created_at >= ?", since);
}

/** Bytes of inputs and of outputs, summed off the batch counters. */
export function storageTotals(sqlite: Sqlite): { inputs: number; outputs: number } {
  return statement(sqlite, "SELECT coalesce(sum(total_size), 0) AS inputs, coalesce(sum(output_size), 0) AS outputs FROM batches").get() as {
    inputs: number;
    outputs: number;
  };
}

export function customerPrefixes(sqlite: Sqlite): string[] {
  return (statement(sqlite, "SELECT DISTINCT customer_prefix AS p FROM batches ORDER BY customer_prefix").all() as { p: string }[]).map((r) => r.p);
}
