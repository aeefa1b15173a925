import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "@/test/async";
import { addBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { attemptOutcomes, countersAndAggregate, jobStatus } from "@/test/queue";

/**
 * Real worker processes (test/worker.ts: the real engine and shutdown path with a
 * recording processor) on one database file, sent real SIGKILL and SIGTERM.
 */

let ctx: TestContext;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited(child);
    }
  }
  ctx?.cleanup();
});

const BASE_ENV = { QUEUE_CONCURRENCY: "3", POLL_MS: "10", HEARTBEAT_S: "1", LEASE_S: "30", LOG_LEVEL: "warn" };

/** `node --import tsx` rather than `npx tsx`: one process, so the pid we signal is the engine's. */
function spawnWorker(env: Record<string, string> = {}): ChildProcess & { output: string[] } {
  const child = spawn(process.execPath, ["--import", "tsx", "test/worker.ts"], {
    cwd: process.cwd(),
    env: { ...process.env, ...BASE_ENV, ...env, DATA_DIR: ctx.paths.root },
    stdio: ["ignore", "pipe", "pipe"],
  }) as ChildProcess & { output: string[] };
  child.output = [];
  child.stdout!.on("data", (chunk: Buffer) => child.output.push(chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => child.output.push(chunk.toString()));
  children.push(child);
  return child;
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

const sql = <T>(query: string, ...params: unknown[]) => ctx.db.$client.prepare(query).all(...params) as T[];
const liveWorkers = () => sql<{ id: string }>("SELECT id FROM workers WHERE stopped_at IS NULL").length;
const countStatus = (status: string) => sql<{ n: number }>("SELECT count(*) AS n FROM jobs WHERE status = ?", status)[0]!.n;
const allTerminal = () => countStatus("pending") + countStatus("processing") === 0;

function runsLog(): { kind: string; value: string; pid: string }[] {
  const file = path.join(ctx.paths.root, "runs.log");
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const [kind, value, pid] = line.split(" ");
      return { kind: kind!, value: value!, pid: pid ?? "" };
    });
}

const linesOf = (kind: string) => runsLog().filter((l) => l.kind === kind);

describe("queue across processes", () => {
  it("two engine processes on one database never run a job twice and never exceed QUEUE_CONCURRENCY in total", async () => {
    ctx = createTestContext(BASE_ENV);
    const a = spawnWorker();
    const b = spawnWorker();
    await waitFor(() => liveWorkers() === 2, "both workers registered");
    // A burst that keeps every slot busy (the cap is under pressure), then a trickle slower than
    // the workers drain it, so both poll for the same fresh jobs (claims race). A busy engine
    // refills its own slots in the commit that frees them, so the burst mostly goes to one.
    const batches = Array.from({ length: 10 }, () => addBatch(ctx, { files: 15 }));
    for (let i = 0; i < 75; i++) {
      batches.push(addBatch(ctx, { files: 2 }));
      await new Promise((resolve) => setTimeout(resolve, 10)); // pacing the producer, not waiting for a result
    }
    const jobIds = batches.flatMap((batch) => batch.jobIds);
    await waitFor(() => jobIds.every((id) => jobStatus(ctx, id).status === "completed"), "300 jobs completed", 60_000);

    const started = linesOf("start").map((l) => l.value);
    expect(started).toHaveLength(300);
    expect(new Set(started).size).toBe(300); // no job claimed twice
    expect(Math.max(...linesOf("peak").map((l) => Number(l.value)))).toBeLessThanOrEqual(3);
    const pids = new Set(linesOf("start").map((l) => l.pid));
    expect(pids).toEqual(new Set([String(a.pid), String(b.pid)])); // both really worked
    expect(sql("SELECT count(*) AS n, count(DISTINCT job_id) AS jobs FROM attempts WHERE outcome = 'completed'")).toEqual([{ n: 300, jobs: 300 }]);
    for (const { batchId } of batches) {
      const { stored, actual } = countersAndAggregate(ctx, batchId);
      expect(stored).toEqual(actual);
    }

    a.kill("SIGTERM");
    b.kill("SIGTERM");
    expect(await exited(a)).toEqual({ code: 0, signal: null });
    expect(await exited(b)).toEqual({ code: 0, signal: null });
    expect(liveWorkers()).toBe(0);
  });

  it("a worker SIGKILLed mid-job: the next one requeues its work as interrupted and every job completes exactly once", async () => {
    ctx = createTestContext(BASE_ENV);
    const { batchId, jobIds } = addBatch(ctx, { files: 5 });
    const doomed = spawnWorker({ TEST_WORK_MS: "600000" });
    await waitFor(() => countStatus("processing") === 3, "three runs in flight");
    const inFlight = sql<{ id: string }>("SELECT id FROM jobs WHERE status = 'processing'").map((r) => r.id);
    doomed.kill("SIGKILL");
    expect(await exited(doomed)).toEqual({ code: null, signal: "SIGKILL" });
    expect(countStatus("processing")).toBe(3); // nobody has noticed yet

    const next = spawnWorker({ TEST_WORK_MS: "5" });
    await waitFor(() => jobIds.every((id) => jobStatus(ctx, id).status === "completed"), "all completed");
    const done = linesOf("done").map((l) => l.value);
    expect(done.sort()).toEqual([...jobIds].sort()); // each output written exactly once
    for (const id of inFlight) {
      expect(attemptOutcomes(ctx, id)).toEqual(["interrupted", "completed"]);
      expect(jobStatus(ctx, id)).toMatchObject({ attempts: 1, crashCount: 1 }); // not counted against retries
    }
    const { stored, actual } = countersAndAggregate(ctx, batchId);
    expect(stored).toEqual(actual);
    next.kill("SIGTERM");
    expect(await exited(next)).toEqual({ code: 0, signal: null });
  });

  it("a file that kills its worker every time is failed after two crashes while the other files complete", async () => {
    ctx = createTestContext({ ...BASE_ENV, QUEUE_CONCURRENCY: "1" });
    const { batchId, jobIds } = addBatch(ctx, { files: ["first.png", "bad__crash__.png", "second.png", "third.png"] });
    const env = { BATCHYARD_TEST_FAULTS: "true", QUEUE_CONCURRENCY: "1" };
    const deaths: unknown[] = [];
    for (let round = 0; round < 2; round++) {
      const worker = spawnWorker(env);
      deaths.push(await exited(worker));
    }
    expect(deaths).toEqual([
      { code: null, signal: "SIGKILL" },
      { code: null, signal: "SIGKILL" },
    ]);
    const survivor = spawnWorker(env);
    await waitFor(allTerminal, "all jobs finished");
    const crashJob = jobIds[1]!;
    expect(jobStatus(ctx, crashJob)).toMatchObject({ status: "failed", crashCount: 2, errorCode: "worker_crashed" });
    expect(jobStatus(ctx, crashJob).errorMessage).toContain("worker crashed while processing this file");
    expect(attemptOutcomes(ctx, crashJob)).toEqual(["interrupted", "interrupted"]);
    expect([jobIds[0], jobIds[2], jobIds[3]].map((id) => jobStatus(ctx, id!).status)).toEqual(["completed", "completed", "completed"]);
    expect(sql("SELECT status, completed_jobs AS completed, failed_jobs AS failed FROM batches WHERE id = ?", batchId)).toEqual([
      { status: "completed", completed: 3, failed: 1 },
    ]);
    survivor.kill("SIGTERM");
    expect(await exited(survivor)).toEqual({ code: 0, signal: null });
  });

  it("SIGTERM lets runs in flight finish within the grace period and claims nothing more", async () => {
    ctx = createTestContext(BASE_ENV);
    const { jobIds } = addBatch(ctx, { files: 6 });
    const worker = spawnWorker({ TEST_WORK_MS: "400", SHUTDOWN_GRACE_S: "30" });
    await waitFor(() => countStatus("processing") === 3, "three runs in flight");
    worker.kill("SIGTERM");
    expect(await exited(worker)).toEqual({ code: 0, signal: null });
    expect(countStatus("completed")).toBe(3);
    expect(countStatus("pending")).toBe(3);
    expect(countStatus("processing")).toBe(0);
    expect(linesOf("start")).toHaveLength(3);
    expect(sql("SELECT stopped_at IS NOT NULL AS stopped FROM workers")).toEqual([{ stopped: 1 }]);

    const next = spawnWorker({ TEST_WORK_MS: "5" });
    await waitFor(() => jobIds.every((id) => jobStatus(ctx, id).status === "completed"), "the rest completed");
    expect(linesOf("done").map((l) => l.value).sort()).toEqual([...jobIds].sort());
    next.kill("SIGTERM");
    await exited(next);
  });

  it("SIGTERM past the grace period aborts the runs and gives their jobs back, losing nothing", async () => {
    ctx = createTestContext(BASE_ENV);
    const { batchId, jobIds } = addBatch(ctx, { files: 4 });
    const worker = spawnWorker({ TEST_WORK_MS: "600000", SHUTDOWN_GRACE_S: "0.2" });
    await waitFor(() => countStatus("processing") === 3, "three runs in flight");
    const inFlight = sql<{ id: string }>("SELECT id FROM jobs WHERE status = 'processing'").map((r) => r.id);
    worker.kill("SIGTERM");
    expect(await exited(worker)).toEqual({ code: 0, signal: null });
    expect(countStatus("pending")).toBe(4);
    for (const id of inFlight) {
      expect(attemptOutcomes(ctx, id)).toEqual(["interrupted"]);
      expect(jobStatus(ctx, id)).toMatchObject({ attempts: 0, crashCount: 0, leaseOwner: null });
    }
    expect(linesOf("aborted")).toHaveLength(3);

    const next = spawnWorker({ TEST_WORK_MS: "5" });
    await waitFor(() => jobIds.every((id) => jobStatus(ctx, id).status === "completed"), "all completed");
    expect(linesOf("done").map((l) => l.value).sort()).toEqual([...jobIds].sort());
    const { stored, actual } = countersAndAggregate(ctx, batchId);
    expect(stored).toEqual(actual);
    next.kill("SIGTERM");
    await exited(next);
  });
});
