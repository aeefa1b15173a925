import type { AppContext } from "@/features/shared/context";
import { selectFileJobCounts } from "./detail-queries";

/**
 * A batch seen file by file rather than job by job (a file runs through each of the batch's
 * pipelines): what clients that know only files, such as the seed systems' APIs, count.
 */
export type FileStatus = "pending" | "processing" | "completed" | "failed" | "cancelled";

export type JobCounts = Record<"pending" | "processing" | "completed" | "failed" | "cancelled", number>;

/**
 * A file is finished when every one of its jobs is: failed if any failed, else completed if any
 * completed, else cancelled. Unfinished, it is processing once any job ran or finished.
 */
export function fileStatus(counts: JobCounts): FileStatus {
  const done = counts.completed + counts.failed + counts.cancelled;
  if (counts.pending + counts.processing === 0 && done > 0) {
    return counts.failed > 0 ? "failed" : counts.completed > 0 ? "completed" : "cancelled";
  }
  return counts.processing > 0 || done > 0 ? "processing" : "pending";
}

export interface FileTally extends Record<FileStatus, number> {
  total: number;
  /** Files with every job finished (completed, failed or cancelled). */
  finished: number;
}

export function tallyFiles(statuses: FileStatus[]): FileTally {
  const tally: FileTally = { total: statuses.length, finished: 0, pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const status of statuses) {
    tally[status] += 1;
    if (status !== "pending" && status !== "processing") tally.finished += 1;
  }
  return tally;
}

/** The batch's files counted by file status (one indexed read of its jobs). */
export function batchFileTally(ctx: AppContext, batchId: string): FileTally {
  return tallyFiles(selectFileJobCounts(ctx.db.$client, batchId).map(fileStatus));
}

/** The jobs of one file, counted by status, from rows that carry `status` (a batch detail's jobs). */
export function countJobs(jobs: { status: string }[]): JobCounts {
  const counts: JobCounts = { pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const job of jobs) if (job.status in counts) counts[job.status as keyof JobCounts] += 1;
  return counts;
}
