import { afterEach, describe, expect, it } from "vitest";
import { deferred, waitFor } from "@/test/async";
import { addBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { fakeResult, jobStatus } from "@/test/queue";
import { claimJobs } from "./claim";
import { createQueueEngine, type QueueEngine } from "./engine";
import type { HostSample } from "./host-sample";
import { createThrottle, type Admit, type ThrottleSettings } from "./throttle";
import { currentThrottle } from "./throttle-watch";
import { registerQueueRuntime } from "./runtime";

/** The throttle in the claim (real SQLite) and in a running engine, fed by an injected sampler. */

let ctx: TestContext;
const engines: QueueEngine[] = [];

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop({ graceMs: 0 })));
  registerQueueRuntime(undefined);
  ctx?.cleanup();
});

const MIB = 1024 * 1024;

function setPixels(jobId: string, width: number, height: number): void {
  ctx.db.$client.prepare("UPDATE files SET width = ?, height = ? WHERE id = (SELECT file_id FROM jobs WHERE id = ?)").run(width, height, jobId);
}

const claimWith = (admit: Admit, limit = 3) =>
  claimJobs(ctx.db.$client, { workerId: "w", limit, concurrency: 3, leaseMs: 30_000, now: ctx.clock.now(), admit }).map((r) => r.job.id);

describe("the memory rule in the claim", () => {
  it("lets smaller jobs behind a large one run while the large one waits in its place", () => {
    ctx = createTestContext();
    const { jobIds } = addBatch(ctx, { files: 4 });
    const [huge, a, b, c] = jobIds as [string, string, string, string];
    setPixels(huge, 10_000, 10_000);
    for (const id of [a, b, c]) setPixels(id, 4_000, 3_000);
    const seen: (number | null)[] = [];
    const smallOnly: Admit = (pixels, alone) => (seen.push(pixels), !alone && pixels! < 50_000_000);
    // Nothing runs yet: the head job is admitted as `alone`, though its size alone would be refused.
    expect(claimWith((pixels, alone) => alone || pixels! < 50_000_000, 1)).toEqual([huge]);
    expect(claimWith(smallOnly)).toEqual([a, b]); // two slots left under concurrency 3
    expect(seen).toEqual([12_000_000, 12_000_000]);
    expect(jobStatus(ctx, c).status).toBe("pending");
  });

  it("keeps the huge job waiting while others run, and admits it alone once nothing runs", () => {
    ctx = createTestContext();
    const { jobIds } = addBatch(ctx, { files: 2 });
    const [huge, small] = jobIds as [string, string];
    setPixels(huge, 10_000, 10_000);
    const fits: Admit = (pixels, alone) => alone || (pixels ?? 0) < 50_000_000;
    ctx.db.$client.prepare("UPDATE jobs SET created_at = created_at + 1 WHERE id = ?").run(huge); // small first
    expect(claimWith(fits, 1)).toEqual([small]);
    expect(claimWith(fits, 1)).toEqual([]); // one runs: the huge job waits
    ctx.db.$client.prepare("UPDATE jobs SET status = 'completed' WHERE id = ?").run(small);
    expect(claimWith(fits, 1)).toEqual([huge]);
  });
});

describe("a throttled engine", () => {
  const SETTINGS: ThrottleSettings = { cpuPct: 80, hysteresisPct: 10, windowMs: 0, sampleMs: 10, minFreeMb: 256 };

  /** A host whose readings the test sets; counters advance one step per sample. */
  function injectedHost() {
    const totals: HostSample = { hostBusy: 0, hostTotal: 0, ownBusy: 0, availableBytes: 0 };
    const host = { othersPct: 0, freeMb: 8192 };
    const sampler = () => {
      totals.hostTotal += 1000;
      totals.hostBusy += host.othersPct * 10;
      return { ...totals, availableBytes: host.freeMb * MIB };
    };
    return { host, throttle: createThrottle(SETTINGS, sampler) };
  }

  it("claims nothing while other processes load the host, lets running jobs finish, and resumes when it frees", async () => {
    ctx = createTestContext({ QUEUE_CONCURRENCY: "2", POLL_MS: "20" });
    const { host, throttle } = injectedHost();
    const hold = deferred();
    const started: string[] = [];
    const engine = createQueueEngine(ctx, {
      processor: async ({ job }) => {
        started.push(job.id);
        await hold.promise;
        return fakeResult(job.id);
      },
      throttle,
    });
    engines.push(engine);
    registerQueueRuntime(engine);
    const first = addBatch(ctx, { files: 1 });
    engine.start();
    await waitFor(() => started.length === 1, "the first job started");

    host.othersPct = 95;
    await waitFor(() => engine.status().throttled?.reason === "cpu", "throttled");
    expect(currentThrottle(ctx)).toMatchObject({ reason: "cpu", cpu_pct: 95 });
    const row = ctx.db.$client.prepare("SELECT throttled FROM workers WHERE id = ?").get(ctx.workerId) as { throttled: string };
    expect(JSON.parse(row.throttled)).toMatchObject({ reason: "cpu" });

    const second = addBatch(ctx, { files: 2 });
    hold.resolve();
    await waitFor(() => jobStatus(ctx, first.jobIds[0]!).status === "completed", "the running job finished");
    engine.wake();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toHaveLength(1); // a free slot, a pending job, and no claim
    expect(second.jobIds.map((id) => jobStatus(ctx, id).status)).toEqual(["pending", "pending"]);

    host.othersPct = 10;
    await waitFor(() => second.jobIds.every((id) => jobStatus(ctx, id).status === "completed"), "resumed and drained");
    expect(engine.status().throttled).toBeNull();
    expect(ctx.db.$client.prepare("SELECT throttled FROM workers WHERE id = ?").get(ctx.workerId)).toEqual({ throttled: null });
  });

  it("waits when memory runs short, and another process's health sees it through the workers row", async () => {
    ctx = createTestContext({ POLL_MS: "20" });
    const { host, throttle } = injectedHost();
    host.freeMb = 100;
    const engine = createQueueEngine(ctx, { processor: async ({ job }) => fakeResult(job.id), throttle });
    engines.push(engine);
    const { jobIds } = addBatch(ctx, { files: 1 });
    engine.start();
    // No runtime registered here: like the web server of a separate `npm run worker`.
    await waitFor(() => currentThrottle(ctx)?.reason === "memory", "memory wait recorded");
    expect(currentThrottle(ctx)).toMatchObject({ free_mb: 100, cpu_pct: null });
    expect(jobStatus(ctx, jobIds[0]!).status).toBe("pending");
    host.freeMb = 4096;
    await waitFor(() => jobStatus(ctx, jobIds[0]!).status === "completed", "completed after memory freed");
    expect(currentThrottle(ctx)).toBeNull();
  });
});
