import type { AppContext } from "@/features/shared/context";
import { countProblemRuns, selectProblemRuns } from "./queries";
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

/**
 * GET /api/maintenance/problems: the most recent runs that failed, timed out or crashed, with the
 * file and batch they belong to, newest first, plus counts per outcome in the same window. Walks
 * attempts_finished_at_outcome_idx from the newest end, so it stays cheap on a long history.
 */
export function recentProblems(ctx: AppContext, query: ProblemsQuery) {
  const since = ctx.clock.now() - query.hours * 3_600_000;
  const rows = selectProblemRuns(ctx.db, since, query.outcome, query.limit);
  const counts = countProblemRuns(ctx.db, since, query.outcome);
  return {
    since: new Date(since).toISOString(),
    counts: Object.fromEntries(query.outcome.map((o) => [o, counts.get(o) ?? 0])),
    // Both filters guarantee an outcome and a finish time.
    data: rows.map((r): Problem => ({ ...r, outcome: r.outcome!, finished_at: new Date(r.finished_at!).toISOString() })),
  };
}

export type ProblemsPage = ReturnType<typeof recentProblems>;
