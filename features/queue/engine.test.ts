import { afterEach, describe, expect, it } from "vitest";
import { deferred, waitFor } from "@/test/async";
import { addBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { attemptOutcomes, countersAndAggregate, fakeResult, jobStatus, noopProcessor } from "@/test/queue";
import { appEvents } from "@/features/shared/events";
import { createQueueEngine, type QueueEngine } from "./engine";
import { UNEXPECTED_ERROR } from "./outcome";
import { JobError, type Processor } from "./types";

let ctx: TestContext;
const engines: QueueEngine[] = [];

function setup(env: Record<string, string> = {}) {
  ctx = createTestContext({ QUEUE_CONCURRENCY: "3", POLL_MS: "20", ...env });
  return ctx;
}

function engine(processor: Processor, options: { random?: () => number; workerId?: string } = {}) {
  const c = options.workerId ? { ...ctx, workerId: options.workerId } : ctx;
  const e = createQueueEngine(c, { processor, random: options.random ?? (() => 0.5) });
  engines.push(e);
  return e;
}

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop({ graceMs: 0 })));
  ctx?.cleanup();
});

const statusOf = (jobId: string) => jobStatus(ctx, jobId).status;

describe("queue engine", () => {
  it("runs high before normal before low, first in first out within a priority", async () => {
    setup({ QUEUE_CONCURRENCY: "1" });
    const low = addBatch(ctx, { files: 2, priority: "low" });
    ctx.clock.advance(1000);
    const normal = addBatch(ctx, { files: 2, priority: "normal" });
    ctx.clock.advance(1000);
    const highEarly = addBatch(ctx, { files: 2, priority: "high" });
    ctx.clock.advance(1000);
    const highLate = addBatch(ctx, { files: 1, priority: "high" });
    const order: string[] = [];
    engine(async ({ job }) => {
      order.push(job.id);
      return fakeResult(job.id);
    }).start();
    await waitFor(() => order.length === 7, "all jobs");
    expect(order).toEqual([...highEarly.jobIds, ...highLate.jobIds, ...normal.jobIds, ...low.jobIds]);
  });

  it("never runs more than QUEUE_CONCURRENCY at once, and starts the next as one finishes", async () => {
    setup({ QUEUE_CONCURRENCY: "3" });
    const { batchId, jobIds } = addBatch(ctx, { files: 8 });
    const gates = new Map(jobIds.map((id) => [id, deferred()]));
    let running = 0;
    let peak = 0;
    const started: string[] = [];
    engine(async ({ job }) => {
      started.push(job.id);
      peak = Math.max(peak, ++running);
      await gates.get(job.id)!.promise;
      running -= 1;
      return fakeResult(job.id);
    }).start();
    await waitFor(() => started.length === 3, "three started");
    expect(countersAndAggregate(ctx, batchId).stored).toMatchObject({ running: 3 });
    gates.get(started[0]!)!.resolve();
    await waitFor(() => started.length === 4, "fourth started");
    for (const gate of gates.values()) gate.resolve();
    await waitFor(() => jobIds.every((id) => statusOf(id) === "completed"), "all completed");
    expect(peak).toBe(3);
    const { stored, actual } = countersAndAggregate(ctx, batchId);
    expect(stored).toEqual(actual);
    expect(ctx.db.$client.prepare("SELECT status FROM batches WHERE id = ?").get(batchId)).toEqual({ status: "completed" });
  });

  it("counts running jobs of other workers against the concurrency limit", async () => {
    setup({ QUEUE_CONCURRENCY: "2" });
    const { jobIds } = addBatch(ctx, { files: 6 });
    const hold = deferred();
    const byWorker: Record<string, number> = { a: 0, b: 0 };
    let running = 0;
    let peak = 0;
    const work = (name: string): Processor => async ({ job }) => {
      byWorker[name]! += 1;
      peak = Math.max(peak, ++running);
      await hold.promise;
      running -= 1;
      return fakeResult(job.id);
    };
    engine(work("a"), { workerId: "worker-a" }).start();
    engine(work("b"), { workerId: "worker-b" }).start();
    await waitFor(() => running === 2, "two running");
    hold.resolve();
    await waitFor(() => jobIds.every((id) => statusOf(id) === "completed"), "all completed");
    expect(peak).toBe(2);
    expect(ctx.db.$client.prepare("SELECT count(*) AS n FROM attempts").get()).toEqual({ n: 6 });
  });

  it("retries transient errors with growing backoff until max attempts, then fails with the last error", async () => {
    setup({ MAX_RETRIES: "2", RETRY_BASE_MS: "1000" });
    const { batchId, jobIds } = addBatch(ctx, { files: 1 });
    const jobId = jobIds[0]!;
    let calls = 0;
    const e = engine(async () => {
      calls += 1;
      throw new Error(`disk hiccup ${calls}`);
    });
    const start = ctx.clock.now();
    e.start();
    await waitFor(() => calls === 1 && statusOf(jobId) === "pending", "first failure");
    // attempt 1 -> 1000 ms * 2^0, jitter fixed at the midpoint (random 0.5 -> x1.0)
    // Raw exception text (paths, library internals) goes to the log, never into the stored error.
    expect(jobStatus(ctx, jobId)).toMatchObject({ attempts: 1, runAfter: start + 1000, errorMessage: UNEXPECTED_ERROR });
    e.wake();
    ctx.clock.advance(999);
    e.wake();
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(1); // not before run_after
    ctx.clock.advance(1);
    e.wake();
    await waitFor(() => calls === 2 && statusOf(jobId) === "pending", "second failure");
    expect(jobStatus(ctx, jobId)).toMatchObject({ attempts: 2, runAfter: ctx.clock.now() + 2000 });
    ctx.clock.advance(2000);
    e.wake();
    await waitFor(() => statusOf(jobId) === "failed", "failed after the last attempt");
    expect(calls).toBe(3);
    expect(jobStatus(ctx, jobId)).toMatchObject({ attempts: 3, errorMessage: UNEXPECTED_ERROR, errorCode: "processing_error" });
    expect(attemptOutcomes(ctx, jobId)).toEqual(["retry", "retry", "failed"]);
    expect(ctx.db.$client.prepare("SELECT status, failed_jobs AS failed FROM batches WHERE id = ?").get(batchId)).toEqual({
      status: "failed",
      failed: 1,
    });
  });

  it("fails permanent errors at once, without a retry", async () => {
    setup({ MAX_RETRIES: "3" });
    const { jobIds } = addBatch(ctx, { files: 1 });
    let calls = 0;
    engine(async () => {
      calls += 1;
      throw new JobError("permanent", "corrupt_image", "The image data is damaged.");
    }).start();
    await waitFor(() => statusOf(jobIds[0]!) === "failed", "failed");
    expect(calls).toBe(1);
    expect(jobStatus(ctx, jobIds[0]!)).toMatchObject({ attempts: 1, errorCode: "corrupt_image", errorMessage: "The image data is damaged." });
    expect(attemptOutcomes(ctx, jobIds[0]!)).toEqual(["failed"]);
  });

  it("aborts a run past JOB_TIMEOUT_S through its signal and counts it as a failed attempt", async () => {
    setup({ JOB_TIMEOUT_S: "60", MAX_RETRIES: "0" });
    const { jobIds } = addBatch(ctx, { files: 1 });
    let signalSeen: AbortSignal | undefined;
    const e = engine(async (_claimed, { signal }) => {
      signalSeen = signal;
      await new Promise(() => undefined); // a processor that never finishes on its own
      throw new Error("unreachable");
    });
    e.start();
    await waitFor(() => signalSeen, "run started");
    ctx.clock.advance(59_000);
    e.heartbeat();
    expect(signalSeen!.aborted).toBe(false);
    ctx.clock.advance(1_000);
    e.heartbeat();
    expect(signalSeen!.aborted).toBe(true);
    await waitFor(() => statusOf(jobIds[0]!) === "failed", "failed by timeout");
    expect(jobStatus(ctx, jobIds[0]!)).toMatchObject({ errorCode: "timeout" });
    expect(attemptOutcomes(ctx, jobIds[0]!)).toEqual(["timeout"]);
  });

  it("fails a timed-out file at once with 'Processing timeout exceeded', retries left or not", async () => {
    setup({ JOB_TIMEOUT_S: "60", MAX_RETRIES: "3" });
    const { jobIds } = addBatch(ctx, { files: 1 });
    let runs = 0;
    let signalSeen: AbortSignal | undefined;
    const e = engine(async (_claimed, { signal }) => {
      runs++;
      signalSeen = signal;
      await new Promise(() => undefined);
      throw new Error("unreachable");
    });
    e.start();
    await waitFor(() => signalSeen, "run started");
    ctx.clock.advance(60_000);
    e.heartbeat();
    await waitFor(() => statusOf(jobIds[0]!) === "failed", "failed by timeout");
    expect(jobStatus(ctx, jobIds[0]!)).toMatchObject({ attempts: 1, errorCode: "timeout", errorMessage: "Processing timeout exceeded" });
    expect(attemptOutcomes(ctx, jobIds[0]!)).toEqual(["timeout"]);
    expect(runs).toBe(1);
  });

  it("writes progress, completes with output info, logs the attempt and emits job:finished", async () => {
    setup();
    const { jobIds } = addBatch(ctx, { files: 1 });
    const seen = deferred();
    const release = deferred();
    const finished: unknown[] = [];
    const listener = (event: unknown) => finished.push(event);
    appEvents().on("job:finished", listener);
    engine(async ({ job }, { reportProgress }) => {
      reportProgress(0.4);
      seen.resolve();
      await release.promise;
      return { ...fakeResult(job.id), outputWidth: 10, outputHeight: 20 };
    }).start();
    await seen.promise;
    expect(jobStatus(ctx, jobIds[0]!)).toMatchObject({ status: "processing", progress: 0.4 });
    ctx.clock.advance(1500);
    release.resolve();
    await waitFor(() => statusOf(jobIds[0]!) === "completed", "completed");
    appEvents().off("job:finished", listener);
    const row = ctx.db.$client
      .prepare("SELECT output_key, output_name, output_size, output_width, output_height, progress, lease_token FROM jobs WHERE id = ?")
      .get(jobIds[0]);
    expect(row).toEqual({
      output_key: `outputs/test/${jobIds[0]}.bin`,
      output_name: `${jobIds[0]}.bin`,
      output_size: 1,
      output_width: 10,
      output_height: 20,
      progress: 1,
      lease_token: null,
    });
    expect(ctx.db.$client.prepare("SELECT outcome, duration_ms FROM attempts WHERE job_id = ?").get(jobIds[0])).toEqual({
      outcome: "completed",
      duration_ms: 1500,
    });
    expect(finished).toEqual([{ jobId: jobIds[0], batchId: expect.any(String), outcome: "completed", durationMs: 1500, attempt: 1 }]);
  });

  it("wakes on enqueue instead of waiting for the poll", async () => {
    setup({ POLL_MS: "600000" });
    const started = deferred<string>();
    const e = engine(async ({ job }) => {
      started.resolve(job.id);
      return fakeResult(job.id);
    });
    e.start();
    const { jobIds } = addBatch(ctx, { files: 1 });
    e.wake();
    expect(await started.promise).toBe(jobIds[0]);
  });

  it("drains many jobs with a no-op processor, each completed exactly once", async () => {
    setup({ QUEUE_CONCURRENCY: "3" });
    const batches = Array.from({ length: 10 }, () => addBatch(ctx, { files: 20 }));
    engine(noopProcessor).start();
    const ids = batches.flatMap((b) => b.jobIds);
    await waitFor(() => ids.every((id) => statusOf(id) === "completed"), "all completed");
    expect(ctx.db.$client.prepare("SELECT count(*) AS n, count(DISTINCT job_id) AS jobs FROM attempts WHERE outcome = 'completed'").get()).toEqual({
      n: 200,
      jobs: 200,
    });
    for (const b of batches) {
      const { stored, actual } = countersAndAggregate(ctx, b.batchId);
      expect(stored).toEqual(actual);
    }
  });
});
