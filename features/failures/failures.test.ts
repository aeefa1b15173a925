import { afterEach, describe, expect, it } from "vitest";
import type { Principal } from "@/features/auth/scopes";
import { SYSTEM } from "@/features/batches/access";
import { refreshBatch } from "@/features/queue/batch-status";
import { addBatch, createTestContext, pipelineIds, type TestContext } from "@/test/fixtures";
import { countersAndAggregate } from "@/test/queue";
import { actOnFailureGroup } from "./actions";
import { failureGroupSchema, failuresQuerySchema } from "./schemas";
import { listFailures } from "./service";

let ctx: TestContext;
afterEach(() => ctx?.cleanup());

const HOUR = 3_600_000;
const member = (userId: string): Principal => ({ userId, email: `${userId}@example.test`, role: "member", scope: "write", via: "session" });

/** Fails the given jobs with one error at `at`, as the queue would, and refreshes their batch. */
function fail(batchId: string, jobIds: string[], code: string, message: string, at = ctx.clock.now()) {
  const update = ctx.db.$client.prepare("UPDATE jobs SET status = 'failed', error_code = ?, error_message = ?, completed_at = ? WHERE id = ?");
  for (const id of jobIds) update.run(code, message, at, id);
  refreshBatch(ctx.db.$client, batchId, at);
}

const list = (query: Record<string, string> = {}) => listFailures(ctx, failuresQuerySchema.parse(query));
const group = (input: Record<string, unknown>) => failureGroupSchema.parse(input);

describe("failure triage", () => {
  it("groups open failures by code and message, largest first, with their batches and sample files", () => {
    ctx = createTestContext();
    const a = addBatch(ctx, { files: 4 });
    const b = addBatch(ctx, { files: 2 });
    fail(a.batchId, a.jobIds.slice(0, 3), "corrupt_input", "The file is not a readable image.");
    fail(b.batchId, b.jobIds, "corrupt_input", "The file is not a readable image.");
    fail(a.batchId, a.jobIds.slice(3), "worker_crashed", "The worker crashed on this file twice.");

    const page = list();

    expect(page.total_failures).toBe(6);
    expect(page.groups.map((g) => [g.error_code, g.files, g.batch_count])).toEqual([
      ["corrupt_input", 5, 2],
      ["worker_crashed", 1, 1],
    ]);
    const [corrupt] = page.groups;
    expect(corrupt!.batches.map((x) => [x.id, x.files])).toEqual([
      [a.batchId, 3],
      [b.batchId, 2],
    ]);
    expect(corrupt!.samples).toHaveLength(5);
    expect(corrupt!.samples[0]!.thumbnail_url).toMatch(/^\/api\/files\/.+\/thumbnail$/);
  });

  it("filters by time range and pipeline", () => {
    ctx = createTestContext();
    const now = ctx.clock.now();
    const old = addBatch(ctx, { files: 2 });
    fail(old.batchId, old.jobIds, "boom", "Old.", now - 48 * HOUR);
    const recent = addBatch(ctx, { files: 1, pipelines: 2 });
    fail(recent.batchId, recent.jobIds, "boom", "Recent.", now - HOUR);

    const lastDay = list({ from: new Date(now - 24 * HOUR).toISOString() });
    expect(lastDay.groups.map((g) => g.error_message)).toEqual(["Recent."]);
    const [, second] = pipelineIds(ctx, 2);
    expect(list({ pipeline_id: second! }).total_failures).toBe(1);
    expect(() => list({ from: "2025-11-05", to: "2025-11-04" })).toThrow(/to is not after from/);
  });

  it("retry these: the group's failures start over, batch by batch, counters equal to the jobs", async () => {
    ctx = createTestContext();
    const a = addBatch(ctx, { files: 3 });
    fail(a.batchId, a.jobIds.slice(0, 2), "boom", "Boom.");
    fail(a.batchId, a.jobIds.slice(2), "other", "Other.");

    const report = await actOnFailureGroup(ctx, group({ error_code: "boom", error_message: "Boom." }), "retry", SYSTEM);

    expect(report).toMatchObject({ action: "retry", files: 2, files_done: 2, total: 1, done: 1 });
    const statuses = ctx.db.$client.prepare("SELECT status FROM jobs WHERE batch_id = ? ORDER BY id").all(a.batchId).map((r) => (r as { status: string }).status);
    expect(statuses.sort()).toEqual(["failed", "pending", "pending"]);
    const { stored, actual } = countersAndAggregate(ctx, a.batchId);
    expect(stored).toEqual(actual);
    expect(list().groups.map((g) => g.error_code)).toEqual(["other"]);
  });

  it("dismiss hides a group without changing the jobs; a retried job that fails again shows again", async () => {
    ctx = createTestContext();
    const a = addBatch(ctx, { files: 1 });
    fail(a.batchId, a.jobIds, "boom", "Boom.");
    const key = group({ error_code: "boom", error_message: "Boom." });

    expect((await actOnFailureGroup(ctx, key, "dismiss", SYSTEM)).files_done).toBe(1);
    expect(list().total_failures).toBe(0);
    expect(ctx.db.$client.prepare("SELECT failed_jobs AS n FROM batches WHERE id = ?").get(a.batchId)).toEqual({ n: 1 });

    ctx.db.$client.prepare("UPDATE jobs SET dismissed_at = NULL WHERE id = ?").run(a.jobIds[0]);
    await actOnFailureGroup(ctx, key, "retry", SYSTEM);
    expect(ctx.db.$client.prepare("SELECT dismissed_at AS d FROM jobs WHERE id = ?").get(a.jobIds[0])).toEqual({ d: null });
  });

  it("a member acts on their own batches and skips other people's as forbidden", async () => {
    ctx = createTestContext();
    const mine = addBatch(ctx);
    const theirs = addBatch(ctx);
    ctx.db.$client.prepare("UPDATE batches SET owner = ? WHERE id = ?").run("u-me", mine.batchId);
    ctx.db.$client.prepare("UPDATE batches SET owner = ? WHERE id = ?").run("u-other", theirs.batchId);
    fail(mine.batchId, mine.jobIds, "boom", "Boom.");
    fail(theirs.batchId, theirs.jobIds, "boom", "Boom.");

    const report = await actOnFailureGroup(ctx, group({ error_code: "boom", error_message: "Boom." }), "retry", member("u-me"));

    expect(report).toMatchObject({ files: 2, files_done: 1, done: 1, skipped: 1 });
    expect(report.results.find((r) => r.id === theirs.batchId)).toMatchObject({ outcome: "skipped", reason: "forbidden" });
  });
});
