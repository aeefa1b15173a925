import { afterEach, describe, expect, it } from "vitest";
import { createQueueEngine, type QueueEngine } from "@/features/queue/engine";
import { registerQueueRuntime } from "@/features/queue/runtime";
import { deferred, waitFor } from "@/test/async";
import { addBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { attemptOutcomes, countersAndAggregate, fakeResult, jobStatus } from "@/test/queue";
import { JobError, type Processor } from "@/features/queue/types";
import { cancelBatch, pauseBatch, resumeBatch, retryFailedJobs, retryJob, setBatchPriority } from "./controls";
import { deriveBatchStatus } from "@/features/queue/batch-status";

let ctx: TestContext;
const engines: QueueEngine[] = [];

afterEach(async () => {
  registerQueueRuntime(undefined);
  await Promise.all(engines.splice(0).map((e) => e.stop({ graceMs: 0 })));
  ctx?.cleanup();
});

function startEngine(processor: Processor, workerId?: string, register = true) {
  const engine = createQueueEngine(workerId ? { ...ctx, workerId } : ctx, { processor, random: () => 0.5 });
  engines.push(engine);
  if (register) registerQueueRuntime(engine);
  engine.start();
  return engine;
}

const batchRow = (id: string) =>
  ctx.db.$client.prepare("SELECT status, priority, failed_jobs AS failed, cancelled_jobs AS cancelled FROM batches WHERE id = ?").get(id) as {
    status: string;
    priority: string;
    failed: number;
    cancelled: number;
  };
const statuses = (ids: string[]) => ids.map((id) => jobStatus(ctx, id).status);
const refusal = expect.objectContaining({ code: "invalid_transition" });

describe("batch controls", () => {
  it("pause stops new claims for the batch while its running job finishes; resume wakes the queue", async () => {
    ctx = createTestContext({ QUEUE_CONCURRENCY: "1", POLL_MS: "600000" });
    const { batchId, jobIds } = addBatch(ctx, { files: 3 });
    const gate = deferred();
    const started: string[] = [];
    startEngine(async ({ job }) => {
      started.push(job.id);
      await gate.promise;
      return fakeResult(job.id);
    });
    await waitFor(() => started.length === 1, "first run");
    pauseBatch(ctx, batchId);
    expect(batchRow(batchId).status).toBe("paused");
    gate.resolve();
    await waitFor(() => jobStatus(ctx, jobIds[0]!).status === "completed", "running job finished");
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toHaveLength(1);
    expect(batchRow(batchId).status).toBe("paused");
    expect(() => pauseBatch(ctx, batchId)).toThrow(refusal);

    resumeBatch(ctx, batchId); // the poll is 10 minutes: only the wake-up can start the rest
    await waitFor(() => statuses(jobIds).every((s) => s === "completed"), "all completed");
    expect(batchRow(batchId).status).toBe("completed");
    expect(() => resumeBatch(ctx, batchId)).toThrow(refusal);
    expect(() => pauseBatch(ctx, batchId)).toThrow(refusal);
  });

  it("cancel cancels waiting jobs, aborts the running one (recorded as cancelled) and keeps finished outputs", async () => {
    ctx = createTestContext({ QUEUE_CONCURRENCY: "1" });
    const { batchId, jobIds } = addBatch(ctx, { files: 4 });
    let calls = 0;
    const aborted = deferred<unknown>();
    startEngine(async ({ job }, { signal }) => {
      calls += 1;
      if (calls === 1) return fakeResult(job.id);
      signal.addEventListener("abort", () => aborted.resolve(signal.reason));
      return new Promise(() => undefined);
    });
    await waitFor(() => calls === 2, "second run started");
    expect(cancelBatch(ctx, batchId)).toEqual({ cancelled: 2, aborting: 1 });
    expect(await aborted.promise).toMatchObject({ kind: "cancelled" });
    await waitFor(() => jobStatus(ctx, jobIds[1]!).status === "cancelled", "running job cancelled");
    expect(statuses(jobIds)).toEqual(["completed", "cancelled", "cancelled", "cancelled"]);
    expect(attemptOutcomes(ctx, jobIds[1]!)).toEqual(["cancelled"]);
    expect(batchRow(batchId)).toMatchObject({ status: "cancelled", cancelled: 3 });
    const { stored, actual } = countersAndAggregate(ctx, batchId);
    expect(stored).toEqual(actual);
    expect(() => cancelBatch(ctx, batchId)).toThrow(refusal);
    expect(() => retryFailedJobs(ctx, batchId)).toThrow(refusal);
  });

  it("a cancel reaches a run in another process at that worker's next heartbeat", async () => {
    ctx = createTestContext({ QUEUE_CONCURRENCY: "2" });
    const { batchId, jobIds } = addBatch(ctx, { files: 1 });
    const started = deferred();
    // Not registered as this process's runtime: only the heartbeat can tell it about the cancel.
    const other = startEngine(async (_c, { signal }) => {
      started.resolve();
      await new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
      throw new Error("unreachable");
    }, "other-process", false);
    await started.promise;
    cancelBatch(ctx, batchId);
    expect(jobStatus(ctx, jobIds[0]!).status).toBe("processing");
    other.heartbeat();
    await waitFor(() => jobStatus(ctx, jobIds[0]!).status === "cancelled", "cancelled by heartbeat");
    expect(attemptOutcomes(ctx, jobIds[0]!)).toEqual(["cancelled"]);
    expect(batchRow(batchId).status).toBe("cancelled");
  });

  it("a run that fails after its batch was cancelled leaves the job cancelled, not pending", async () => {
    ctx = createTestContext({ MAX_RETRIES: "3" });
    const { batchId, jobIds } = addBatch(ctx, { files: 1 });
    const started = deferred();
    const gate = deferred();
    startEngine(async () => {
      started.resolve();
      await gate.promise;
      throw new Error("transient hiccup");
    }, "other-process", false);
    await started.promise;
    cancelBatch(ctx, batchId); // that worker has not heard of it yet
    gate.resolve();
    await waitFor(() => jobStatus(ctx, jobIds[0]!).status !== "processing", "run ended");
    expect(jobStatus(ctx, jobIds[0]!).status).toBe("cancelled");
    expect(attemptOutcomes(ctx, jobIds[0]!)).toEqual(["retry"]);
    expect(batchRow(batchId)).toMatchObject({ status: "cancelled", cancelled: 1 });
  });

  it("retry puts failed jobs back (attempts reset, error cleared) and the batch back to work", async () => {
    ctx = createTestContext({ MAX_RETRIES: "0" });
    const { batchId, jobIds } = addBatch(ctx, { files: 3 });
    let failing = true;
    startEngine(async ({ job }) => {
      if (failing && job.id !== jobIds[0]) throw new JobError("permanent", "corrupt_image", "Damaged.");
      return fakeResult(job.id);
    });
    await waitFor(() => batchRow(batchId).status === "completed", "completed with failures");
    expect(batchRow(batchId).failed).toBe(2);
    expect(() => retryJob(ctx, jobIds[0]!)).toThrow(refusal); // completed, not failed
    expect(() => retryJob(ctx, "no-such-job")).toThrow(expect.objectContaining({ code: "not_found" }));

    failing = false;
    retryJob(ctx, jobIds[1]!);
    expect(jobStatus(ctx, jobIds[1]!)).toMatchObject({ attempts: 0, errorCode: null, errorMessage: null });
    await waitFor(() => jobStatus(ctx, jobIds[1]!).status === "completed", "one retried");
    expect(retryFailedJobs(ctx, batchId)).toBe(1);
    await waitFor(() => batchRow(batchId).failed === 0 && batchRow(batchId).status === "completed", "all completed");
    expect(attemptOutcomes(ctx, jobIds[2]!)).toEqual(["failed", "completed"]);
    expect(() => retryFailedJobs(ctx, batchId)).toThrow(refusal);
  });

  it("priority change re-ranks the waiting jobs and is refused once the batch is finished", async () => {
    ctx = createTestContext({ QUEUE_CONCURRENCY: "1", POLL_MS: "600000" });
    const first = addBatch(ctx, { files: 2, priority: "normal" });
    ctx.clock.advance(1000);
    const second = addBatch(ctx, { files: 2, priority: "low" });
    setBatchPriority(ctx, second.batchId, "high");
    expect(batchRow(second.batchId).priority).toBe("high");
    const order: string[] = [];
    startEngine(async ({ job }) => {
      order.push(job.batchId);
      return fakeResult(job.id);
    });
    await waitFor(() => order.length === 4, "all ran");
    expect(order).toEqual([second.batchId, second.batchId, first.batchId, first.batchId]);
    expect(() => setBatchPriority(ctx, first.batchId, "low")).toThrow(refusal);
    expect(() => setBatchPriority(ctx, "missing", "low")).toThrow(expect.objectContaining({ code: "not_found" }));
  });

  it("random interleavings of controls and runs keep every batch's counters equal to its jobs", async () => {
    ctx = createTestContext({ QUEUE_CONCURRENCY: "3", MAX_RETRIES: "1", RETRY_BASE_MS: "100", POLL_MS: "10" });
    const random = seeded(20251105);
    const batchIds = Array.from({ length: 8 }, (_, i) => addBatch(ctx, { files: 3 + i, pipelines: 1 + (i % 2) }).batchId);
    const holds: (() => void)[] = [];
    const engine = startEngine(async ({ job }) => {
      await new Promise<void>((resolve) => holds.push(resolve));
      const roll = random();
      if (roll < 0.2) throw new JobError("permanent", "corrupt_image", "Damaged.");
      if (roll < 0.4) throw new Error("transient hiccup");
      return fakeResult(job.id);
    });
    const moves = [
      (id: string) => pauseBatch(ctx, id),
      (id: string) => resumeBatch(ctx, id),
      (id: string) => cancelBatch(ctx, id),
      (id: string) => retryFailedJobs(ctx, id),
      (id: string) => setBatchPriority(ctx, id, (["high", "normal", "low"] as const)[Math.floor(random() * 3)]!),
      () => {
        const failed = ctx.db.$client.prepare("SELECT id FROM jobs WHERE status = 'failed' LIMIT 1").pluck().get() as string | undefined;
        if (failed) retryJob(ctx, failed);
      },
    ];
    const applied = moves.map(() => 0);
    for (let step = 0; step < 300; step++) {
      const id = batchIds[Math.floor(random() * batchIds.length)]!;
      const action = random();
      if (action < 0.45) holds.splice(0, 1 + Math.floor(random() * 3)).forEach((release) => release());
      else if (action < 0.55) {
        ctx.clock.advance(200);
        engine.heartbeat();
      } else {
        const move = pick(random(), MOVE_WEIGHTS);
        try {
          moves[move]!(id);
          applied[move]! += 1;
        } catch (error) {
          expect(error).toMatchObject({ code: "invalid_transition" });
        }
      }
      await new Promise((resolve) => setImmediate(resolve));
      for (const batchId of batchIds) expectConsistent(batchId);
    }
    expect(applied.every((n) => n > 0)).toBe(true); // every kind of move really happened
    // Let everything settle: resume paused batches, release every run, wait for terminal states.
    for (const batchId of batchIds) if (batchRow(batchId).status === "paused") resumeBatch(ctx, batchId);
    await waitFor(() => {
      holds.splice(0).forEach((release) => release());
      ctx.clock.advance(1000);
      engine.wake();
      return batchIds.every((id) => ["completed", "failed", "cancelled"].includes(batchRow(id).status));
    }, "all batches finished");
    for (const batchId of batchIds) expectConsistent(batchId);
  });
});

/** pause, resume, cancel, retry failed, priority, retry one job: cancel is final, so it is rarer. */
const MOVE_WEIGHTS = [3, 3, 1, 3, 2, 2];

function pick(roll: number, weights: number[]): number {
  let at = roll * weights.reduce((a, b) => a + b, 0);
  for (const [index, weight] of weights.entries()) {
    if (at < weight) return index;
    at -= weight;
  }
  return weights.length - 1;
}

function expectConsistent(batchId: string) {
  const { stored, actual } = countersAndAggregate(ctx, batchId);
  expect(stored).toEqual(actual);
  const a = actual as { total: number; completed: number; failed: number; cancelled: number; running: number };
  const pending = a.total - a.completed - a.failed - a.cancelled - a.running;
  const status = batchRow(batchId).status as Parameters<typeof deriveBatchStatus>[0];
  expect(deriveBatchStatus(status, { ...a, processing: a.running, pending })).toBe(status);
}

/** mulberry32: a small seeded PRNG so a failing interleaving can be replayed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
