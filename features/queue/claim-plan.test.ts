import { afterEach, describe, expect, it } from "vitest";
import { addBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { SELECT_CANDIDATES, SELECT_CANDIDATES_WITH_PIXELS } from "./claim";

/**
 * The claim's query plan under the statistics a real database can have: whatever ANALYZE saw, the
 * claim walks the claim index for status = 'pending' in order and stops at its LIMIT, never
 * scanning and sorting the whole queue.
 */
let ctx: TestContext;
afterEach(() => ctx?.cleanup());

const plan = (sql: string) =>
  (ctx.db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(Date.now(), 3) as { detail: string }[]).map((r) => r.detail);

const WALK = "SEARCH jobs USING INDEX jobs_status_priority_rank_run_after_created_at_idx (status=?)";

describe("the claim's plan", () => {
  it.each([
    ["no statistics", () => undefined],
    ["statistics taken while every job was pending", () => ctx.db.$client.exec("ANALYZE")],
    ["statistics of a mostly finished queue", () => ctx.db.$client.exec("UPDATE jobs SET status = 'completed' WHERE rowid % 10 <> 0; ANALYZE")],
  ])("walks the claim index in order with %s", (_, prepare) => {
    ctx = createTestContext();
    for (let i = 0; i < 40; i++) addBatch(ctx, { files: 50 });
    prepare();
    for (const sql of [SELECT_CANDIDATES, SELECT_CANDIDATES_WITH_PIXELS]) {
      const steps = plan(sql);
      expect(steps[0]).toBe(WALK);
      expect(steps.join("\n")).not.toContain("TEMP B-TREE");
    }
  });
});
