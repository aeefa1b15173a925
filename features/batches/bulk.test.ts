import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Principal } from "@/features/auth/scopes";
import { refreshBatch } from "@/features/queue/batch-status";
import { addBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { countersAndAggregate } from "@/test/queue";
import { SYSTEM } from "./access";
import { BULK_CHUNK } from "./bulk-chunks";
import { resolveDownloadTargets, runBulkAction } from "./bulk";
import { bulkBodySchema, bulkDownloadQuerySchema } from "./schemas";

let ctx: TestContext;
afterEach(() => ctx?.cleanup());

const member = (userId: string): Principal => ({ userId, email: `${userId}@example.test`, role: "member", scope: "write", via: "session" });

/** Every job of the batch failed, as the queue would leave it. */
function failAll(batchId: string) {
  const now = ctx.clock.now();
  ctx.db.$client.prepare("UPDATE jobs SET status = 'failed', error_code = 'boom', error_message = 'Boom.', completed_at = ? WHERE batch_id = ?").run(now, batchId);
  refreshBatch(ctx.db.$client, batchId, now);
}

const setOwner = (batchId: string, owner: string) => ctx.db.$client.prepare("UPDATE batches SET owner = ? WHERE id = ?").run(owner, batchId);
const statusOf = (batchId: string) => (ctx.db.$client.prepare("SELECT status FROM batches WHERE id = ?").get(batchId) as { status: string } | undefined)?.status;
const body = (input: unknown) => bulkBodySchema.parse(input);

describe("bulk actions", () => {
  it("retries every failed batch a filter matches, in chunks, keeping counters equal to the jobs", async () => {
    ctx = createTestContext();
    const failed = Array.from({ length: BULK_CHUNK * 2 + 50 }, () => addBatch(ctx, { files: 2 }).batchId);
    failed.forEach(failAll);
    const untouched = addBatch(ctx).batchId;

    const report = await runBulkAction(ctx, body({ action: "retry", filter: { has_failures: "true" } }), SYSTEM);

    expect(report).toMatchObject({ action: "retry", total: failed.length, done: failed.length, skipped: 0 });
    // At most BULK_CHUNK batches per transaction (fewer when one runs past its time budget).
    expect(report.chunks).toBeGreaterThanOrEqual(3);
    expect(report.longest_chunk_ms).toBeGreaterThan(0);
    for (const id of failed) {
      expect(statusOf(id)).toBe("pending");
      const { stored, actual } = countersAndAggregate(ctx, id);
      expect(stored).toEqual(actual);
    }
    expect(report.results.some((r) => r.id === untouched)).toBe(false);
  });

  it("a member's action does their own batches and skips other people's as forbidden", async () => {
    ctx = createTestContext();
    const mine = addBatch(ctx).batchId;
    const theirs = addBatch(ctx).batchId;
    setOwner(mine, "u-me");
    setOwner(theirs, "u-other");

    const report = await runBulkAction(ctx, body({ action: "pause", ids: [mine, theirs] }), member("u-me"));

    expect(report.results).toEqual([
      expect.objectContaining({ id: mine, outcome: "done" }),
      expect.objectContaining({ id: theirs, outcome: "skipped", reason: "forbidden" }),
    ]);
    expect(statusOf(mine)).toBe("paused");
    expect(statusOf(theirs)).toBe("pending");
  });

  it("owner=me in a filter means the caller", async () => {
    ctx = createTestContext();
    const mine = addBatch(ctx).batchId;
    setOwner(mine, "u-me");
    setOwner(addBatch(ctx).batchId, "u-other");
    const report = await runBulkAction(ctx, body({ action: "cancel", filter: { owner: "me" } }), member("u-me"));
    expect(report.results.map((r) => r.id)).toEqual([mine]);
    expect(statusOf(mine)).toBe("cancelled");
  });

  it("an impossible move or an unknown id is skipped with its reason; the rest is done", async () => {
    ctx = createTestContext();
    const waiting = addBatch(ctx).batchId;
    const paused = addBatch(ctx).batchId;
    await runBulkAction(ctx, body({ action: "pause", ids: [paused] }), SYSTEM);

    const report = await runBulkAction(ctx, body({ action: "resume", ids: [waiting, paused, "no-such-batch"] }), SYSTEM);

    expect(report.results).toEqual([
      expect.objectContaining({ id: waiting, outcome: "skipped", reason: "invalid_transition", message: expect.stringContaining("not paused") }),
      expect.objectContaining({ id: paused, outcome: "done" }),
      { id: "no-such-batch", name: null, outcome: "skipped", reason: "not_found", message: "No batch with id no-such-batch." },
    ]);
    expect(report).toMatchObject({ done: 1, skipped: 2 });
  });

  it("priority and pin change every batch; pinning a pinned batch is skipped as unchanged", async () => {
    ctx = createTestContext();
    const [a, b] = [addBatch(ctx).batchId, addBatch(ctx).batchId];
    await runBulkAction(ctx, body({ action: "priority", priority: "high", ids: [a, b] }), SYSTEM);
    const ranks = ctx.db.$client.prepare("SELECT DISTINCT priority_rank AS r FROM jobs WHERE batch_id IN (?, ?)").all(a, b);
    expect(ranks).toEqual([{ r: 0 }]);

    await runBulkAction(ctx, body({ action: "pin", ids: [a] }), SYSTEM);
    const report = await runBulkAction(ctx, body({ action: "pin", ids: [a, b] }), SYSTEM);
    expect(report.results.map((r) => r.reason ?? r.outcome)).toEqual(["unchanged", "done"]);
  });

  it("delete cancels what is active, removes the rows, then the files", async () => {
    ctx = createTestContext();
    const ids = [addBatch(ctx).batchId, addBatch(ctx).batchId];
    for (const id of ids) fs.mkdirSync(path.join(ctx.paths.outputs, id), { recursive: true });

    const report = await runBulkAction(ctx, body({ action: "delete", ids }), SYSTEM);

    expect(report.done).toBe(2);
    for (const id of ids) {
      expect(statusOf(id)).toBeUndefined();
      expect(fs.existsSync(path.join(ctx.paths.outputs, id))).toBe(false);
    }
  });

  it("refuses a body with both ids and filter, or a priority action without a priority", () => {
    expect(() => body({ action: "pause", ids: ["a"], filter: {} })).toThrow(/either ids or filter/);
    expect(() => body({ action: "priority", ids: ["a"] })).toThrow(/needs a priority/);
    expect(() => body({ action: "pause", filter: { limit: "5" } })).toThrow(/paging and sorting/);
    expect(body({ action: "Pause", filter: { status: "failed,paused" } }).filter?.status).toEqual(["failed", "paused"]);
  });

  it("a download of several names existing batches by ids or filter; none existing is 404", () => {
    ctx = createTestContext();
    const ids = [addBatch(ctx).batchId, addBatch(ctx).batchId];
    const byIds = resolveDownloadTargets(ctx, bulkDownloadQuerySchema.parse({ ids: `${ids.join(",")},missing` }), SYSTEM);
    expect(byIds.map((ref) => ref.id)).toEqual(ids);
    const byFilter = resolveDownloadTargets(ctx, bulkDownloadQuerySchema.parse({ customer_prefix: "QUEUE" }), SYSTEM);
    expect(byFilter).toHaveLength(2);
    expect(() => resolveDownloadTargets(ctx, bulkDownloadQuerySchema.parse({ ids: "missing" }), SYSTEM)).toThrow(/None of these/);
  });
});
