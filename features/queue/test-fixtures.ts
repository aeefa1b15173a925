import { randomUUID } from "node:crypto";
import { batches, files, jobs, PRIORITY_RANK, type JobRow } from "@/db/schema";
import { refreshBatch } from "./batch-status";
import { ensureDefaultPipelines } from "@/features/pipelines/queries";
import { DEFAULT_PIPELINES } from "@/features/pipelines/schemas";
import type { AppContext } from "@/features/shared/context";
import { newJobRow } from "./enqueue";
import type { Processor, ProcessResult } from "./types";

/**
 * Test helpers: batch, file and job rows written the way an upload writes them (one transaction,
 * counters from refreshBatch), without real image bytes — queue tests use test processors.
 */

export function pipelineIds(ctx: AppContext, count = 1): string[] {
  ensureDefaultPipelines(ctx.db, DEFAULT_PIPELINES, ctx.clock.now());
  const rows = ctx.db.$client.prepare("SELECT id FROM pipelines ORDER BY created_at, id LIMIT ?").all(count) as { id: string }[];
  if (rows.length < count) throw new Error(`only ${rows.length} default pipelines`);
  return rows.map((r) => r.id);
}

export interface BatchFixture {
  files?: number | string[];
  pipelines?: number;
  priority?: keyof typeof PRIORITY_RANK;
}

let counter = 0;

/** One batch of `files` × `pipelines` pending jobs; returns the job ids in creation order. */
export function addBatch(ctx: AppContext, fixture: BatchFixture = {}): { batchId: string; jobIds: string[] } {
  const now = ctx.clock.now();
  const batchId = randomUUID();
  const priority = fixture.priority ?? "normal";
  const names = typeof fixture.files === "object" ? fixture.files : Array.from({ length: fixture.files ?? 1 }, (_, i) => `photo-${i + 1}.png`);
  const fileRows = names.map((name) => ({
    id: randomUUID(),
    batchId,
    originalName: name,
    safeName: name,
    mime: "image/png",
    size: 100,
    sha256: "0".repeat(64),
    storageKey: `inputs/${"0".repeat(64)}`,
    width: null,
    height: null,
    createdAt: now,
  }));
  const pipelines = pipelineIds(ctx, fixture.pipelines ?? 1);
  const jobRows: JobRow[] = fileRows.flatMap((file) =>
    pipelines.map((pipelineId) => newJobRow({ batchId, fileId: file.id, pipelineId, priority }, ctx.config, now)),
  );
  counter += 1;
  ctx.db.transaction(
    (tx) => {
      tx.insert(batches)
        .values({
          id: batchId,
          customerPrefix: "QUEUE",
          batchDate: "2025-11-05",
          batchCounter: counter,
          baseDirectoryName: `QUEUE_2025-11-05_batch-${counter}-${batchId.slice(0, 8)}`,
          priority,
          totalFiles: fileRows.length,
          totalSize: fileRows.length * 100,
          createdAt: now,
          updatedAt: now,
        })
        .run();
      if (fileRows.length) tx.insert(files).values(fileRows).run();
      if (jobRows.length) tx.insert(jobs).values(jobRows).run();
      refreshBatch(ctx.db.$client, batchId, now);
    },
    { behavior: "immediate" },
  );
  return { batchId, jobIds: jobRows.map((j) => j.id) };
}

/** A processor result without writing anything (queue tests do not look at outputs). */
export const fakeResult = (jobId: string): ProcessResult => ({
  outputKey: `outputs/test/${jobId}.bin`,
  outputName: `${jobId}.bin`,
  outputSize: 1,
});

export const noopProcessor: Processor = async ({ job }) => fakeResult(job.id);

/** A promise with its resolve/reject outside, to hold a test processor until the test lets go. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Polls until the check passes (for cross-process and async outcomes); never a fixed sleep. */
export async function waitFor<T>(check: () => T | undefined | false, what = "condition", timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Batch counters next to the same numbers aggregated from its jobs. */
export function countersAndAggregate(ctx: AppContext, batchId: string) {
  const sqlite = ctx.db.$client;
  const stored = sqlite
    .prepare(
      `SELECT total_jobs AS total, completed_jobs AS completed, failed_jobs AS failed, cancelled_jobs AS cancelled,
              running_jobs AS running FROM batches WHERE id = ?`,
    )
    .get(batchId);
  const actual = sqlite
    .prepare(
      `SELECT count(*) AS total, coalesce(sum(status = 'completed'), 0) AS completed, coalesce(sum(status = 'failed'), 0) AS failed,
              coalesce(sum(status = 'cancelled'), 0) AS cancelled, coalesce(sum(status = 'processing'), 0) AS running
       FROM jobs WHERE batch_id = ?`,
    )
    .get(batchId);
  return { stored, actual };
}

export function jobStatus(ctx: AppContext, jobId: string) {
  return ctx.db.$client
    .prepare(
      `SELECT status, attempts, crash_count AS crashCount, run_after AS runAfter, error_code AS errorCode,
              error_message AS errorMessage, progress, lease_owner AS leaseOwner FROM jobs WHERE id = ?`,
    )
    .get(jobId) as {
    status: string;
    attempts: number;
    crashCount: number;
    runAfter: number;
    errorCode: string | null;
    errorMessage: string | null;
    progress: number;
    leaseOwner: string | null;
  };
}

export function attemptOutcomes(ctx: AppContext, jobId: string): string[] {
  return (
    ctx.db.$client.prepare(`SELECT outcome FROM attempts WHERE job_id = ? ORDER BY id`).all(jobId) as { outcome: string | null }[]
  ).map((r) => r.outcome ?? "open");
}
