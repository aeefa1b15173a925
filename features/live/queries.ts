import type Database from "better-sqlite3";
import { statement } from "@/db/statements";

/**
 * The live feed's own read: runs that ended since a moment (attempts_finished_at_outcome_idx). The
 * batches it pushes are read through features/batches/queries.ts.
 */

export interface FinishedRun {
  id: number;
  job_id: string;
  batch_id: string;
  outcome: string;
  error: string | null;
  attempt_number: number;
  finished_at: number;
}

export function selectRunsFinishedSince(sqlite: Database.Database, since: number, limit: number): FinishedRun[] {
  const sql = `SELECT id, job_id, batch_id, outcome, error, attempt_number, finished_at
    FROM attempts WHERE finished_at >= ? ORDER BY finished_at LIMIT ?`;
  return statement(sqlite, sql).all(since, limit) as FinishedRun[];
}
