import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addPipeline, createTestContext, seedBatch, type TestContext } from "@/test/fixtures";
import { parseWith } from "@/features/shared/http";
import { recentProblems } from "./problems";
import { problemsQuerySchema } from "./schemas";

let ctx: TestContext;
beforeEach(() => {
  ctx = createTestContext();
});
afterEach(() => ctx.cleanup());

describe("recent problems", () => {
  it("lists failed, timed-out and crashed runs of the window with their files, newest first", () => {
    const p = addPipeline(ctx, "Web PNG");
    const batch = seedBatch(ctx, { baseName: "ACME_2025-11-05_batch-3", jobs: [{ file: "bad.png", pipelineId: p, status: "failed", error: "corrupt" }, { file: "ok.png", pipelineId: p, output: Buffer.from("x") }] });
    const [bad, ok] = batch.jobs;
    const now = ctx.clock.now();
    const insert = ctx.db.$client.prepare(
      "INSERT INTO attempts (job_id, batch_id, worker_id, attempt_number, started_at, finished_at, outcome, error, duration_ms) VALUES (?, ?, 'w1', ?, ?, ?, ?, ?, 10)",
    );
    insert.run(bad!.id, batch.batchId, 1, now - 50_000, now - 40_000, "crashed", "The worker stopped renewing its lease.");
    insert.run(bad!.id, batch.batchId, 2, now - 30_000, now - 20_000, "failed", "corrupt");
    insert.run(ok!.id, batch.batchId, 1, now - 10_000, now - 5_000, "completed", null);
    insert.run(bad!.id, batch.batchId, 0, now - 3 * 86_400_000, now - 3 * 86_400_000, "failed", "too old");

    const page = recentProblems(ctx, parseWith(problemsQuerySchema, {}));
    expect(page.data.map((r) => [r.outcome, r.error, r.file_name, r.base_directory_name, r.pipeline_name])).toEqual([
      ["failed", "corrupt", "bad.png", "ACME_2025-11-05_batch-3", "Web PNG"],
      ["crashed", "The worker stopped renewing its lease.", "bad.png", "ACME_2025-11-05_batch-3", "Web PNG"],
    ]);
    expect(page.counts).toEqual({ failed: 1, timeout: 0, crashed: 1 });
    expect(recentProblems(ctx, parseWith(problemsQuerySchema, { outcome: "crashed", limit: "1" })).data).toHaveLength(1);
    expect(recentProblems(ctx, parseWith(problemsQuerySchema, { hours: "100" })).data).toHaveLength(3);
  });

  it("refuses unknown outcomes and out-of-range limits", () => {
    expect(() => parseWith(problemsQuerySchema, { outcome: "completed" })).toThrow(/outcome/);
    expect(() => parseWith(problemsQuerySchema, { limit: "500" })).toThrow(/limit/);
  });
});
