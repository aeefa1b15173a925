import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedDatabase } from "@/scripts/seed";
import { createTestContext, type TestContext } from "@/test/fixtures";
import { listBatches } from "./list";
import { listBatchesQuerySchema } from "./schemas";
import { SYSTEM } from "./access";
import { removeBatch, retryJobById, runBatchAction, updateBatch } from "./service";

let ctx: TestContext;
beforeEach(() => {
  ctx = createTestContext();
  seedDatabase(ctx.db, { batches: 120, filesPerBatch: 3, seed: 13, now: ctx.clock.now() });
});
afterEach(() => ctx.cleanup());

const one = (where: string) => ctx.db.$client.prepare(`SELECT id, base_directory_name FROM batches WHERE ${where} LIMIT 1`).get() as { id: string; base_directory_name: string };
const counters = (id: string) =>
  ctx.db.$client
    .prepare(
      `SELECT b.total_jobs = count(j.id) AND b.completed_jobs = sum(j.status = 'completed') AND b.failed_jobs = sum(j.status = 'failed')
              AND b.cancelled_jobs = sum(j.status = 'cancelled') AS ok FROM batches b JOIN jobs j ON j.batch_id = b.id WHERE b.id = ?`,
    )
    .get(id) as { ok: number };

describe("batch service", () => {
  it("pauses, resumes and cancels through the queue's controls, keeping counters equal to the jobs", () => {
    const batch = one("status = 'pending'");
    expect(runBatchAction(ctx, batch.id, "pause", SYSTEM).status).toBe("paused");
    expect(runBatchAction(ctx, batch.id, "resume", SYSTEM).status).toMatch(/pending|processing/);
    expect(runBatchAction(ctx, batch.id, "cancel", SYSTEM).status).toBe("cancelled");
    expect(counters(batch.id).ok).toBe(1);
  });

  it("refuses impossible moves with invalid_transition and unknown ids with not_found", () => {
    const done = one("status = 'completed'");
    expect(() => runBatchAction(ctx, done.id, "pause", SYSTEM)).toThrow(expect.objectContaining({ code: "invalid_transition" }));
    expect(() => runBatchAction(ctx, done.id, "resume", SYSTEM)).toThrow(expect.objectContaining({ code: "invalid_transition" }));
    expect(() => runBatchAction(ctx, "missing", "pause", SYSTEM)).toThrow(expect.objectContaining({ code: "not_found" }));
    expect(() => updateBatch(ctx, "missing", { pinned: true }, SYSTEM)).toThrow(expect.objectContaining({ code: "not_found" }));
  });

  it("retries the failed jobs of a batch, and one failed job", () => {
    const batch = one("failed_jobs > 0 AND status IN ('completed', 'failed')");
    const detail = runBatchAction(ctx, batch.id, "retry", SYSTEM);
    expect(detail.failed_jobs).toBe(0);
    expect(counters(batch.id).ok).toBe(1);
    const job = ctx.db.$client.prepare("SELECT id FROM jobs WHERE status = 'failed' LIMIT 1").get() as { id: string };
    expect(retryJobById(ctx, job.id, SYSTEM).status).toBe("pending");
    const completed = ctx.db.$client.prepare("SELECT id FROM jobs WHERE status = 'completed' LIMIT 1").get() as { id: string };
    expect(() => retryJobById(ctx, completed.id, SYSTEM)).toThrow(expect.objectContaining({ code: "invalid_transition" }));
  });

  it("updates description (searchable at once), pin and priority", () => {
    const batch = one("status = 'paused'");
    const updated = updateBatch(ctx, batch.id, { description: "Quokka safari", pinned: true, priority: "high" }, SYSTEM);
    expect(updated).toMatchObject({ description: "Quokka safari", pinned: true, priority: "high" });
    const found = listBatches(ctx, listBatchesQuerySchema.parse({ q: "quokka" }));
    expect(found.data.map((b) => b.id)).toEqual([batch.id]);
  });

  it("deletes a finished batch, and cancels an active one before deleting it", async () => {
    for (const where of ["status = 'completed'", "status = 'paused'"]) {
      const batch = one(where);
      await removeBatch(ctx, batch.id, SYSTEM);
      expect(ctx.db.$client.prepare("SELECT count(*) AS n FROM jobs WHERE batch_id = ?").get(batch.id)).toEqual({ n: 0 });
      expect(listBatches(ctx, listBatchesQuerySchema.parse({ q: batch.base_directory_name })).total).toBe(0);
    }
    expect(ctx.db.$client.pragma("foreign_key_check")).toEqual([]);
    await expect(removeBatch(ctx, "missing", SYSTEM)).rejects.toMatchObject({ code: "not_found" });
  });
});
