import { afterEach, describe, expect, it, vi } from "vitest";
import { addPipeline, createTestContext, seedBatch, type TestContext } from "@/test/fixtures";
import { lastCleanup } from "./retention";
import { startMaintenance } from "./scheduler";

let ctx: TestContext;
afterEach(() => {
  vi.useRealTimers();
  ctx.cleanup();
});

describe("maintenance schedule", () => {
  it("runs retention cleanup a minute after start and then every CLEANUP_INTERVAL_S, until stopped", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "setInterval", "clearTimeout", "clearInterval"] });
    ctx = createTestContext({ CLEANUP_INTERVAL_S: "600", RETENTION_DAYS: "1" });
    const p = addPipeline(ctx, "Web PNG");
    const old = seedBatch(ctx, { jobs: [{ file: "a.png", pipelineId: p, output: Buffer.from("a") }] });
    ctx.clock.advance(2 * 86_400_000);
    const before = lastCleanup();
    const stop = startMaintenance(ctx);

    await vi.advanceTimersByTimeAsync(59_000);
    expect(lastCleanup()).toBe(before);
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.waitFor(() => expect(lastCleanup()).not.toBe(before));
    expect(ctx.db.$client.prepare("SELECT 1 FROM batches WHERE id = ?").get(old.batchId)).toBeUndefined();

    const first = lastCleanup();
    await vi.advanceTimersByTimeAsync(600_000);
    await vi.waitFor(() => expect(lastCleanup()).not.toBe(first));

    stop();
    const last = lastCleanup();
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(lastCleanup()).toBe(last);
  });
});
