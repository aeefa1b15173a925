import fs from "node:fs";
import path from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { deferred, waitFor } from "@/test/async";
import { addBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { attemptOutcomes, countersAndAggregate, jobStatus } from "@/test/queue";
import { claimJobs } from "./claim";
import { createQueueEngine, type QueueEngine } from "./engine";
import { recoverOrphanedJobs, requeueExpiredLeases } from "./recover";
import { registerWorker } from "./workers";

let ctx: TestContext;
const engines: QueueEngine[] = [];

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop({ graceMs: 0 })));
  ctx?.cleanup();
});

/** Claims as a worker of another process would (no engine in this one), and returns the runs. */
function claimAs(workerId: string, limit = 3) {
  return claimJobs(ctx.db.$client, { workerId, limit, concurrency: ctx.config.QUEUE_CONCURRENCY, leaseMs: ctx.config.LEASE_S * 1000, now: ctx.clock.now() });
}

const setWorkerPid = (id: string, pid: number) => ctx.db.$client.prepare("UPDATE workers SET pid = ? WHERE id = ?").run(pid, id);

describe("crash detection and recovery", () => {
  it("requeues a job whose lease expired as crashed (the attempt counts), and fails it on the second crash", () => {
    ctx = createTestContext({ LEASE_S: "30", MAX_RETRIES: "3" });
    const { batchId, jobIds } = addBatch(ctx, { files: 1 });
    const jobId = jobIds[0]!;
    claimAs("silent-worker");
    ctx.clock.advance(30_000);
    expect(requeueExpiredLeases(ctx.db.$client, ctx.clock.now())).toBe(0); // exactly at expiry: still held
    ctx.clock.advance(1);
    expect(requeueExpiredLeases(ctx.db.$client, ctx.clock.now())).toBe(1);
    expect(jobStatus(ctx, jobId)).toMatchObject({ status: "pending", attempts: 1, crashCount: 1, leaseOwner: null });

    claimAs("silent-worker");
    ctx.clock.advance(31_000);
    requeueExpiredLeases(ctx.db.$client, ctx.clock.now());
    expect(jobStatus(ctx, jobId)).toMatchObject({ status: "failed", crashCount: 2, errorCode: "worker_crashed" });
    expect(attemptOutcomes(ctx, jobId)).toEqual(["crashed", "crashed"]);
    const { stored, actual } = countersAndAggregate(ctx, batchId);
    expect(stored).toEqual(actual);
  });

  it("a crash on the job's last attempt fails it at once, saying so, and logs each lost job", () => {
    ctx = createTestContext({ LEASE_S: "30", MAX_RETRIES: "0" });
    const { jobIds } = addBatch(ctx, { files: 1 });
    const jobId = jobIds[0]!;
    const lines: { msg: string; jobId?: string; status?: string }[] = [];
    const log = pino({ level: "warn" }, { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) });
    claimAs("silent-worker");
    ctx.clock.advance(31_000);
    expect(requeueExpiredLeases(ctx.db.$client, ctx.clock.now(), undefined, log)).toBe(1);
    expect(jobStatus(ctx, jobId)).toMatchObject({ status: "failed", attempts: 1, crashCount: 1, errorCode: "worker_crashed" });
    const { message } = ctx.db.$client.prepare("SELECT error_message AS message FROM jobs WHERE id = ?").get(jobId) as { message: string };
    expect(message).toBe("The worker crashed while processing this file on its last attempt, so it was not tried again.");
    expect(lines).toEqual([expect.objectContaining({ jobId, status: "failed", msg: "job lost its worker and was failed" })]);
  });

  it("recoverOrphanedJobs gives back work of a dead worker as interrupted, not counted against attempts", () => {
    ctx = createTestContext();
    const { batchId, jobIds } = addBatch(ctx, { files: 2 });
    registerWorker(ctx.db.$client, "dead-worker", ctx.clock.now());
    setWorkerPid("dead-worker", 2 ** 22 + 12345); // above pid_max: no such process on this host
    claimAs("dead-worker");
    registerWorker(ctx.db.$client, "live-worker", ctx.clock.now()); // this process: alive
    expect(recoverOrphanedJobs(ctx)).toEqual({ recovered_count: 2, failed_count: 0, recovered_batch_ids: [batchId], failed_batch_ids: [], paused_batch_ids: [] });
    for (const id of jobIds) {
      expect(jobStatus(ctx, id)).toMatchObject({ status: "pending", attempts: 0, crashCount: 1 });
      expect(attemptOutcomes(ctx, id)).toEqual(["interrupted"]);
    }
    expect(ctx.db.$client.prepare("SELECT id FROM workers WHERE stopped_at IS NOT NULL").all()).toEqual([{ id: "dead-worker" }]);
    expect(recoverOrphanedJobs(ctx)).toEqual({ recovered_count: 0, failed_count: 0, recovered_batch_ids: [], failed_batch_ids: [], paused_batch_ids: [] });
  });

  it("removes what a killed run left in outputs/ (its temp file, an uncommitted output), nothing else", () => {
    ctx = createTestContext({ LEASE_S: "30" });
    const { batchId, jobIds } = addBatch(ctx, { files: 2 });
    registerWorker(ctx.db.$client, "dead-worker", ctx.clock.now());
    setWorkerPid("dead-worker", 2 ** 22 + 23456);
    claimAs("dead-worker", 1);
    const lost = jobIds.find((id) => jobStatus(ctx, id).status === "processing")!;
    const other = jobIds.find((id) => id !== lost)!;
    const dir = path.join(ctx.paths.outputs, batchId);
    fs.mkdirSync(dir, { recursive: true });
    for (const name of [`.${lost}.1a2b3c4d.tmp`, `${lost}.jpg`, `${other}.jpg`]) fs.writeFileSync(path.join(dir, name), "x");
    expect(recoverOrphanedJobs(ctx)).toMatchObject({ recovered_count: 1, recovered_batch_ids: [batchId] });
    expect(fs.readdirSync(dir)).toEqual([`${other}.jpg`]);
  });

  it("leaves jobs of live workers alone, and treats a worker with a stale heartbeat as dead", () => {
    ctx = createTestContext({ LEASE_S: "30" });
    const { batchId } = addBatch(ctx, { files: 1 });
    registerWorker(ctx.db.$client, "other-host", ctx.clock.now());
    ctx.db.$client.prepare("UPDATE workers SET hostname = 'elsewhere', pid = 1 WHERE id = 'other-host'").run();
    claimAs("other-host");
    expect(recoverOrphanedJobs(ctx)).toEqual({ recovered_count: 0, failed_count: 0, recovered_batch_ids: [], failed_batch_ids: [], paused_batch_ids: [] });
    ctx.clock.advance(10_000);
    ctx.db.$client.prepare("UPDATE jobs SET lease_expires_at = ?").run(ctx.clock.now() + 60_000); // lease renewed, heartbeat row not
    ctx.clock.advance(25_000);
    expect(recoverOrphanedJobs(ctx)).toEqual({ recovered_count: 1, failed_count: 0, recovered_batch_ids: [batchId], failed_batch_ids: [], paused_batch_ids: [] });
  });

  it("RECOVERY_MODE=pause brings an interrupted batch back paused for review; other batches run on", async () => {
    ctx = createTestContext({ LEASE_S: "30", RECOVERY_MODE: "pause" });
    const interrupted = addBatch(ctx, { files: 2 });
    const untouched = addBatch(ctx, { files: 1 });
    registerWorker(ctx.db.$client, "dead-worker", ctx.clock.now());
    setWorkerPid("dead-worker", 2 ** 22 + 34567);
    claimAs("dead-worker", 2);
    const lines: { msg: string; batchPaused?: boolean }[] = [];
    const report = recoverOrphanedJobs({ ...ctx, log: pino({ level: "warn" }, { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) }) });
    expect(report).toEqual({ recovered_count: 2, failed_count: 0, recovered_batch_ids: [interrupted.batchId], failed_batch_ids: [], paused_batch_ids: [interrupted.batchId] });
    const status = (id: string) => (ctx.db.$client.prepare("SELECT status, paused_at AS pausedAt FROM batches WHERE id = ?").get(id) as { status: string; pausedAt: number | null });
    expect(status(interrupted.batchId)).toEqual({ status: "paused", pausedAt: ctx.clock.now() });
    expect(status(untouched.batchId).status).toBe("pending");
    for (const id of interrupted.jobIds) expect(jobStatus(ctx, id)).toMatchObject({ status: "pending", attempts: 0 });
    expect(lines.filter((l) => l.batchPaused)).toHaveLength(1); // the first lost job pauses it; the second finds it paused
    // Paused means no claims: a worker takes the untouched batch's job and nothing else.
    expect(claimAs("live", 3).map((run) => run.job.batchId)).toEqual([untouched.batchId]);
    const { stored, actual } = countersAndAggregate(ctx, interrupted.batchId);
    expect(stored).toEqual(actual);
  });

  it("RECOVERY_MODE=pause also pauses at engine start and on an expired lease", async () => {
    ctx = createTestContext({ LEASE_S: "30", RECOVERY_MODE: "pause" });
    const { batchId } = addBatch(ctx, { files: 1 });
    claimAs("silent-worker");
    ctx.clock.advance(31_000);
    expect(requeueExpiredLeases(ctx.db.$client, ctx.clock.now(), undefined, undefined, "pause")).toBe(1);
    expect((ctx.db.$client.prepare("SELECT status FROM batches WHERE id = ?").get(batchId) as { status: string }).status).toBe("paused");
  });

  it("an engine starting up requeues the jobs of dead workers before claiming", async () => {
    ctx = createTestContext();
    const { jobIds } = addBatch(ctx, { files: 1 });
    registerWorker(ctx.db.$client, "dead-worker", ctx.clock.now());
    setWorkerPid("dead-worker", 2 ** 22 + 54321);
    claimAs("dead-worker");
    const ran = deferred();
    const engine = createQueueEngine(ctx, {
      processor: async ({ job, attempt }) => {
        ran.resolve();
        return { outputKey: `outputs/x/${job.id}`, outputName: `try-${attempt}`, outputSize: 1 };
      },
    });
    engines.push(engine);
    engine.start();
    await ran.promise;
    await waitFor(() => jobStatus(ctx, jobIds[0]!).status === "completed", "completed");
    expect(attemptOutcomes(ctx, jobIds[0]!)).toEqual(["interrupted", "completed"]);
    expect(ctx.db.$client.prepare("SELECT output_name FROM jobs").get()).toEqual({ output_name: "try-1" });
  });

  it("a run whose lease was taken over writes nothing and removes the output it made", async () => {
    ctx = createTestContext({ LEASE_S: "30" });
    const { jobIds } = addBatch(ctx, { files: 1 });
    const jobId = jobIds[0]!;
    const started = deferred();
    const release = deferred();
    const outputKey = `outputs/b/${jobId}-stale.bin`;
    const engine = createQueueEngine(ctx, {
      processor: async () => {
        started.resolve();
        await release.promise;
        fs.mkdirSync(path.join(ctx.paths.outputs, "b"), { recursive: true });
        fs.writeFileSync(path.join(ctx.paths.root, outputKey), "late");
        return { outputKey, outputName: "late.bin", outputSize: 4 };
      },
    });
    engines.push(engine);
    engine.start();
    await started.promise;
    // The engine looks frozen to the others: its lease runs out and recovery takes the job.
    ctx.clock.advance(31_000);
    expect(requeueExpiredLeases(ctx.db.$client, ctx.clock.now())).toBe(1);
    expect(jobStatus(ctx, jobId).status).toBe("pending");
    const stopped = engine.stop({ graceMs: 60_000 }); // no new claims; waits for the run to end
    release.resolve();
    await stopped;
    expect(jobStatus(ctx, jobId)).toMatchObject({ status: "pending", crashCount: 1 });
    expect(attemptOutcomes(ctx, jobId)).toEqual(["crashed"]);
    expect(fs.existsSync(path.join(ctx.paths.root, outputKey))).toBe(false);
  });
});
