import type { AppDb } from "@/db/client";
import type { JobRow } from "@/db/schema";
import { jobs, PRIORITY_RANK } from "@/db/schema";
import type { Config } from "@/features/shared/config";
import { jobId } from "./job-id";

/** A new pending job row for one file through one pipeline. Insert it in the batch's transaction. */
export function newJobRow(
  input: { batchId: string; fileId: string; pipelineId: string; priority: keyof typeof PRIORITY_RANK },
  config: Pick<Config, "MAX_RETRIES">,
  now: number,
): JobRow {
  return {
    id: jobId(now),
    batchId: input.batchId,
    fileId: input.fileId,
    pipelineId: input.pipelineId,
    status: "pending",
    priorityRank: PRIORITY_RANK[input.priority],
    progress: 0,
    attempts: 0,
    // MAX_RETRIES counts the runs after the first one.
    maxAttempts: config.MAX_RETRIES + 1,
    crashCount: 0,
    runAfter: now,
    leaseOwner: null,
    leaseToken: null,
    leaseExpiresAt: null,
    heartbeatAt: null,
    errorCode: null,
    errorMessage: null,
    outputKey: null,
    outputName: null,
    outputSize: null,
    outputWidth: null,
    outputHeight: null,
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    completedAt: null,
    dismissedAt: null,
  };
}

/**
 * Queues one file through each of its batch's pipelines: the only place job rows are created. Runs
 * inside the caller's batch transaction, which then re-derives the batch's counters.
 */
export function enqueueFileJobs(
  db: AppDb,
  input: { batchId: string; fileId: string; pipelineIds: string[]; priority: keyof typeof PRIORITY_RANK },
  config: Pick<Config, "MAX_RETRIES">,
  now: number,
): void {
  const rows = input.pipelineIds.map((pipelineId) => newJobRow({ ...input, pipelineId }, config, now));
  // As many rows as the batch has pipelines, so the statement is built per call.
  db.insert(jobs).values(rows).run();
}
