import type Database from "better-sqlite3";
import { statement } from "@/db/statements";
import type { FailureFilter } from "./schemas";

/**
 * The Failures view's SQL. Every statement reads open failures (failed, not dismissed) through the
 * partial index jobs_open_failures_idx (error_code, error_message, completed_at, batch_id): grouping
 * walks it in order, and a group is one range of it. A pipeline filter needs the row, so it has its
 * own statements rather than an `? IS NULL OR` that would make every query read rows. The whole-range
 * reads name the index (INDEXED BY): without statistics the planner prefers the claim index's
 * `status = ?` prefix, which reads every failed row, dismissed or not, and sorts them.
 */

type Sqlite = Database.Database;

/** Conditions on jobs, optionally through a table alias (`j.`). */
const open = (a = "") => `${a}status = 'failed' AND ${a}dismissed_at IS NULL AND ${a}completed_at >= @from AND ${a}completed_at < @to`;
const inGroup = (a = "") => `${a}error_code IS @code AND ${a}error_message IS @message`;
const byPipeline = (f: FailureFilter, a = "") => (f.pipelineId === null ? "" : ` AND ${a}pipeline_id = @pipelineId`);
const params = (f: FailureFilter, extra: Record<string, unknown> = {}) => ({ from: f.from, to: f.to, ...(f.pipelineId === null ? {} : { pipelineId: f.pipelineId }), ...extra });

export interface GroupRow {
  error_code: string | null;
  error_message: string | null;
  files: number;
  batches: number;
  first_at: number;
  last_at: number;
}

/** The largest groups of open failures in the range, and how many failures there are in all. */
export function selectFailureGroups(sqlite: Sqlite, f: FailureFilter, limit: number): { groups: GroupRow[]; total: number } {
  const groups = statement(
    sqlite,
    `SELECT error_code, error_message, count(*) AS files, count(DISTINCT batch_id) AS batches,
            min(completed_at) AS first_at, max(completed_at) AS last_at
       FROM jobs INDEXED BY jobs_open_failures_idx WHERE ${open()}${byPipeline(f)} GROUP BY error_code, error_message ORDER BY files DESC, last_at DESC LIMIT @limit`,
  ).all(params(f, { limit })) as GroupRow[];
  const total = (statement(sqlite, `SELECT count(*) AS n FROM jobs INDEXED BY jobs_open_failures_idx WHERE ${open()}${byPipeline(f)}`).get(params(f)) as { n: number }).n;
  return { groups, total };
}

export interface GroupKey {
  code: string | null;
  message: string | null;
}

/** The batches a group touches, most failures first. */
export function selectGroupBatches(sqlite: Sqlite, f: FailureFilter, key: GroupKey, limit: number): { id: string; name: string; files: number }[] {
  return statement(
    sqlite,
    `SELECT j.batch_id AS id, b.base_directory_name AS name, j.files FROM (
       SELECT batch_id, count(*) AS files FROM jobs WHERE ${open()} AND ${inGroup()}${byPipeline(f)} GROUP BY batch_id ORDER BY files DESC LIMIT @limit
     ) j JOIN batches b ON b.id = j.batch_id ORDER BY j.files DESC, b.base_directory_name`,
  ).all(params(f, { ...key, limit })) as { id: string; name: string; files: number }[];
}

/** A few of the group's files, the latest first, for thumbnails. */
export function selectGroupSamples(sqlite: Sqlite, f: FailureFilter, key: GroupKey, limit: number) {
  return statement(
    sqlite,
    `SELECT j.id AS job_id, j.file_id, f.original_name AS file_name, j.batch_id
       FROM jobs j JOIN files f ON f.id = j.file_id
      WHERE ${open("j.")} AND ${inGroup("j.")}${byPipeline(f, "j.")}
      ORDER BY j.completed_at DESC LIMIT @limit`,
  ).all(params(f, { ...key, limit })) as { job_id: string; file_id: string; file_name: string; batch_id: string }[];
}

/** Every open failure of a group (at most `max`), batch by batch, for retry and dismiss. */
export function selectGroupJobs(sqlite: Sqlite, f: FailureFilter, key: GroupKey, max: number): { id: string; batch_id: string }[] {
  return statement(sqlite, `SELECT id, batch_id FROM jobs WHERE ${open()} AND ${inGroup()}${byPipeline(f)} ORDER BY batch_id LIMIT @limit`).all(
    params(f, { ...key, limit: max }),
  ) as { id: string; batch_id: string }[];
}
