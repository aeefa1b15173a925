import { afterEach, describe, expect, it } from "vitest";
import type { Principal } from "@/features/auth/scopes";
import { createQueueEngine, type QueueEngine } from "@/features/queue/engine";
import { registerQueueRuntime } from "@/features/queue/runtime";
import { deferred, waitFor } from "@/test/async";
import { addBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { fakeResult, jobStatus } from "@/test/queue";
import { upsertSetting } from "./queries";
import { settingsPatchSchema } from "./schemas";
import { getSettings, queueConcurrency, seedSettings, updateSettings } from "./service";

let ctx: TestContext;
const engines: QueueEngine[] = [];

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop({ graceMs: 0 })));
  registerQueueRuntime(undefined);
  ctx?.cleanup();
});

const ADMIN: Principal = { userId: "u-admin", email: "admin@example.test", role: "admin", scope: "admin", via: "session" };

describe("queue concurrency setting", () => {
  it("takes QUEUE_CONCURRENCY at the first start and keeps the stored value afterwards", () => {
    ctx = createTestContext({ QUEUE_CONCURRENCY: "4" });
    expect(getSettings(ctx)).toEqual({ queue_concurrency: 4, updated_at: null });
    seedSettings(ctx);
    expect(getSettings(ctx)).toEqual({ queue_concurrency: 4, updated_at: new Date(ctx.clock.now()).toISOString() });
    updateSettings(ctx, { queue_concurrency: 9 }, ADMIN);
    seedSettings({ ...ctx, config: { ...ctx.config, QUEUE_CONCURRENCY: 2 } }); // a restart with another value
    expect(queueConcurrency(ctx)).toBe(9);
  });

  it("accepts 1 to 64 and nothing else", () => {
    expect(settingsPatchSchema.safeParse({ queue_concurrency: 1 }).success).toBe(true);
    expect(settingsPatchSchema.safeParse({ queue_concurrency: 64 }).success).toBe(true);
    for (const bad of [{ queue_concurrency: 0 }, { queue_concurrency: 65 }, { queue_concurrency: 2.5 }, { queue_concurrency: "3" }, {}, { other: 1 }]) {
      expect(settingsPatchSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("falls back to QUEUE_CONCURRENCY when the stored value is unreadable", () => {
    ctx = createTestContext({ QUEUE_CONCURRENCY: "5" });
    upsertSetting(ctx.db.$client, "queue_concurrency", '"many"', ctx.clock.now());
    expect(queueConcurrency(ctx)).toBe(5);
  });
});

describe("an engine under a changing setting", () => {
  it("raises within a poll when another process changes it, and lowering never stops running jobs", async () => {
    ctx = createTestContext({ QUEUE_CONCURRENCY: "1", POLL_MS: "20" });
    seedSettings(ctx);
    const hold = deferred();
    let running = 0;
    let lowered = false;
    let peakAfterLowering = 0;
    const aborted: string[] = [];
    const engine = createQueueEngine(ctx, {
      processor: async ({ job }, { signal }) => {
        running += 1;
        if (lowered) peakAfterLowering = Math.max(peakAfterLowering, running);
        signal.addEventListener("abort", () => aborted.push(job.id));
        await hold.promise;
        running -= 1;
        return fakeResult(job.id);
      },
      concurrency: () => queueConcurrency(ctx),
    });
    engines.push(engine);
    const { jobIds } = addBatch(ctx, { files: 6 });
    engine.start();
    await waitFor(() => running === 1, "one running");

    // Written straight to the database, as another process's PATCH would: seen at the next poll.
    upsertSetting(ctx.db.$client, "queue_concurrency", "3", ctx.clock.now());
    await waitFor(() => running === 3, "three running");
    expect(engine.status().concurrency).toBe(3);

    registerQueueRuntime(engine);
    updateSettings(ctx, { queue_concurrency: 1 }, ADMIN); // this process: applied at once
    lowered = true;
    expect(engine.status().concurrency).toBe(1);
    expect(running).toBe(3);
    hold.resolve();
    await waitFor(() => jobIds.every((id) => jobStatus(ctx, id).status === "completed"), "all completed");
    expect(aborted).toEqual([]); // the three running when it was lowered finished
    expect(peakAfterLowering).toBe(1);
    const attempts = ctx.db.$client.prepare("SELECT count(*) AS n FROM attempts").get() as { n: number };
    expect(attempts.n).toBe(6);
  });
});
