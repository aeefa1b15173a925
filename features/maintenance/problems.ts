import type { AppContext } from "@/features/shared/context";
import type { ProblemsQuery } from "./schemas";

export interface Problem {
  attempt_id: number;
  outcome: string;
  error: string | null;
  attempt_number: number;
  worker_id: string;
  finished_at: string;
  duration_ms: number | null;
  job_id: string;
  job_status: string;
  batch_id: string;
  base_directory_name: string;
  file_id: string;
  file_name: string;
  pipeline_name: string;
}

interface ProblemRow extends Omit<Problem, "finished_at"> {
  finished_at: number;
}

/**
 * GET /api/maintenance/problems: the most recent runs that failed, timed out or crashed, with the
 * file and batch they belong to, newest first, plus counts per outcome in the same window. Walks
 * attempts_finished_at_outcome_idx from the newest end, so it stays cheap on a long history.
 */
export function recentProblems(ctx: AppContext, query: ProblemsQuery) {
  const since = ctx.clock.now() - query.hours * 3_600_000;
  const outcomes = query.outcome;
  const marks = outcomes.map(() => "?").join(", ");
  const sqlite = ctx.db.$client;
  const rows = sqlite
    .prepare(
      `SELECT a.id AS attempt_id, a.outcome, a.error, a.attempt_number, a.worker_id, a.finished_at, a.duration_ms,
              j.id AS job_id, j.status AS job_status, a.batch_id, b.base_directory_name,
              f.id AS file_id, f.original_name AS file_name, p.name AS pipeline_name
       FROM attempts a
       JOIN jobs j ON j.id = a.job_id
       JOIN files f ON f.id = j.file_id
       JOIN batches b ON b.id = j.batch_id
       JOIN pipelines p ON p.id = j.pipeline_id
       WHERE a.finished_at >= ? AND a.outcome IN (${marks})
       ORDER BY a.finished_at DESC, a.id DESC
       LIMIT ?`,
    )
    .all(since, ...outcomes, query.limit) as ProblemRow[];
  const counts = sqlite
    .prepare(`SELECT outcome, count(*) AS n FROM attempts WHERE finished_at >= ? AND outcome IN (${marks}) GROUP BY outcome`)
    .all(since, ...outcomes) as { outcome: string; n: number }[];
  return {
    since: new Date(since).toISOString(),
    counts: Object.fromEntries(outcomes.map((o) => [o, counts.find((c) => c.outcome === o)?.n ?? 0])),
    data: rows.map((r): Problem => ({ ...r, finished_at: new Date(r.finished_at).toISOString() })),
  };
}

export type ProblemsPage = ReturnType<typeof recentProblems>;
