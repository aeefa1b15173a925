import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addPipeline, createTestContext, seedBatch, type TestContext } from "@/test/fixtures";
import { runCleanup } from "./retention";

const DAY = 86_400_000;
let ctx: TestContext;
let pipeline: string;

beforeEach(() => {
  ctx = createTestContext({ RETENTION_DAYS: "7", UPLOAD_RATE_LIMIT: "3/hour" });
  pipeline = addPipeline(ctx, "Web PNG");
});
afterEach(() => ctx.cleanup());

const count = (table: string, where = "1") =>
  (ctx.db.$client.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;

function finishedBatch(options: { pinned?: boolean; input?: Buffer; failed?: boolean } = {}) {
  return seedBatch(ctx, {
    pinned: options.pinned,
    input: options.input ? () => options.input! : undefined,
    jobs: options.failed
      ? [{ file: "bad.png", pipelineId: pipeline, status: "failed", error: "corrupt" }]
      : [{ file: "a.png", pipelineId: pipeline, output: Buffer.alloc(1000, 1) }, { file: "b.png", pipelineId: pipeline, output: Buffer.alloc(500, 2) }],
  });
}

function addAttempt(jobId: string, batchId: string, finishedAt: number) {
  ctx.db.$client
    .prepare(`INSERT INTO attempts (job_id, batch_id, worker_id, attempt_number, started_at, finished_at, outcome, duration_ms) VALUES (?, ?, 'w', 1, ?, ?, 'completed', 5)`)
    .run(jobId, batchId, finishedAt - 5, finishedAt);
}

/** A file with an mtime on the test clock's timeline (the sweep compares mtimes with the clock). */
function writeAged(file: string, bytes: number, mtime: number) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.alloc(bytes));
  fs.utimesSync(file, mtime / 1000, mtime / 1000);
}

const exists = (file: string) => fs.existsSync(file);

describe("retention cleanup", () => {
  it("deletes finished batches past the retention with their files, and keeps pinned, active and recent ones", async () => {
    const shared = Buffer.from("same bytes uploaded twice");
    const old = finishedBatch({ input: shared });
    const oldFailed = finishedBatch({ failed: true });
    const pinned = finishedBatch({ pinned: true });
    const active = seedBatch(ctx, { jobs: [{ file: "waiting.png", pipelineId: pipeline }] });
    ctx.clock.advance(8 * DAY);
    const recent = finishedBatch({ input: shared });
    const oldInputs = ctx.db.$client.prepare("SELECT storage_key FROM files WHERE batch_id = ?").all(oldFailed.batchId) as { storage_key: string }[];

    const result = await runCleanup(ctx);

    expect(result.cleaned_count).toBe(2);
    const remaining = (ctx.db.$client.prepare("SELECT id FROM batches").all() as { id: string }[]).map((r) => r.id).sort();
    expect(remaining).toEqual([pinned.batchId, active.batchId, recent.batchId].sort());
    expect(count("files", `batch_id IN ('${old.batchId}', '${oldFailed.batchId}')`)).toBe(0);
    expect(count("jobs", `batch_id IN ('${old.batchId}', '${oldFailed.batchId}')`)).toBe(0);
    expect(exists(path.join(ctx.paths.outputs, old.batchId))).toBe(false);
    expect(old.jobs.every((j) => !exists(j.outputFile!))).toBe(true);
    expect(pinned.jobs.every((j) => exists(j.outputFile!))).toBe(true);
    // The input the recent batch shares stays; the failed batch's own input goes.
    expect(exists(path.join(ctx.paths.inputs, (ctx.db.$client.prepare("SELECT sha256 FROM files WHERE batch_id = ?").get(recent.batchId) as { sha256: string }).sha256))).toBe(true);
    expect(oldInputs.every((f) => !exists(path.join(ctx.paths.root, f.storage_key)))).toBe(true);
    // 1000 + 500 output bytes of the old batch, plus the failed batch's unshared input.
    const failedInput = Buffer.byteLength(`input ${oldFailed.batchId} bad.png`);
    expect(result.freed_bytes).toBe(1500 + failedInput);
  });

  it("honours days_old, and never deletes a pinned batch", async () => {
    const pinned = finishedBatch({ pinned: true });
    const fresh = finishedBatch();
    ctx.clock.advance(60_000);
    expect((await runCleanup(ctx, { days_old: 1 })).cleaned_count).toBe(0);
    const result = await runCleanup(ctx, { days_old: 0 });
    expect(result.cleaned_count).toBe(1);
    expect(result.days_old).toBe(0);
    expect(count("batches", `id = '${fresh.batchId}'`)).toBe(0);
    expect(count("batches", `id = '${pinned.batchId}'`)).toBe(1);
  });

  it("keeps a finished batch whose cancelled job is still running", async () => {
    const batch = seedBatch(ctx, { jobs: [{ file: "a.png", pipelineId: pipeline, output: Buffer.from("a") }, { file: "b.png", pipelineId: pipeline, status: "processing" }] });
    ctx.db.$client.prepare("UPDATE batches SET status = 'cancelled', completed_at = ? WHERE id = ?").run(ctx.clock.now() - 30 * DAY, batch.batchId);
    expect((await runCleanup(ctx)).cleaned_count).toBe(0);
    expect(count("batches", `id = '${batch.batchId}'`)).toBe(1);
  });

  it("prunes old attempts and rate-limit events, but not those still inside the window", async () => {
    const pinned = finishedBatch({ pinned: true });
    const job = pinned.jobs[0]!;
    const now = ctx.clock.now() + 10 * DAY;
    ctx.clock.set(now);
    addAttempt(job.id, pinned.batchId, now - 8 * DAY);
    addAttempt(job.id, pinned.batchId, now - DAY);
    ctx.db.$client.prepare("INSERT INTO attempts (job_id, batch_id, worker_id, attempt_number, started_at) VALUES (?, ?, 'w', 3, ?)").run(job.id, pinned.batchId, now - 9 * DAY);
    const insertEvent = ctx.db.$client.prepare("INSERT INTO rate_limit_events (key, created_at) VALUES ('ip', ?)");
    for (const at of [now - 8 * DAY, now - 30 * 60_000]) insertEvent.run(at);

    const result = await runCleanup(ctx);
    expect(result.pruned_attempts).toBe(1);
    expect(count("attempts")).toBe(2); // the recent one, and the unfinished one
    expect(result.pruned_rate_limit_events).toBe(1);
    // With retention 0 the one-hour upload window still protects the recent event.
    await runCleanup(ctx, { days_old: 0 });
    expect(count("rate_limit_events")).toBe(1);
  });

  it("sweeps stray files older than an hour: tmp leftovers, outputs of gone batches, unreferenced inputs and thumbnails", async () => {
    const kept = finishedBatch();
    const now = ctx.clock.now();
    const old = now - 2 * 3_600_000;
    const young = now - 10 * 60_000;
    const strays = [
      [path.join(ctx.paths.tmp, "abandoned.part"), 100],
      [path.join(ctx.paths.outputs, randomUUID(), "x.png"), 200],
      [path.join(ctx.paths.inputs, "f".repeat(64)), 300],
      [path.join(ctx.paths.thumbs, `${randomUUID()}.webp`), 400],
      [path.join(ctx.paths.outputs, kept.batchId, ".job.crashed.tmp"), 500],
    ] as const;
    for (const [file, bytes] of strays) writeAged(file, bytes, old);
    const youngOnes = [path.join(ctx.paths.tmp, "in-flight.part"), path.join(ctx.paths.inputs, "e".repeat(64))];
    for (const file of youngOnes) writeAged(file, 10, young);

    const result = await runCleanup(ctx);
    expect(result.stray_files_removed).toBe(strays.length);
    expect(result.freed_bytes).toBe(100 + 200 + 300 + 400 + 500);
    for (const [file] of strays) expect(exists(file), file).toBe(false);
    for (const file of youngOnes) expect(exists(file), file).toBe(true);
    expect(kept.jobs.every((j) => exists(j.outputFile!))).toBe(true);
    expect(fs.readdirSync(ctx.paths.inputs)).toHaveLength(3); // kept batch's two inputs + the young stray
  });

  it("checkpoints the WAL down to zero bytes", async () => {
    for (let i = 0; i < 20; i++) finishedBatch();
    expect(fs.statSync(`${ctx.paths.db}-wal`).size).toBeGreaterThan(0);
    const result = await runCleanup(ctx);
    expect(result.wal_checkpoint.busy).toBe(0);
    expect(fs.statSync(`${ctx.paths.db}-wal`).size).toBe(0);
  });

  it("runs one cleanup at a time when asked twice at once: the second request gets the first run's result", async () => {
    finishedBatch();
    ctx.clock.advance(8 * DAY);
    const [a, b] = await Promise.all([runCleanup(ctx), runCleanup(ctx)]);
    expect(b).toBe(a);
    expect(a.cleaned_count).toBe(1);
  });

  it("queues at most one run behind the running one, with the shortest retention asked for", async () => {
    finishedBatch();
    ctx.clock.advance(3 * DAY);
    const running = runCleanup(ctx); // 7 days: nothing is old enough
    const queued = [runCleanup(ctx, { days_old: 5 }), runCleanup(ctx, { days_old: 2 }), runCleanup(ctx, { days_old: 4 })];
    const results = await Promise.all([running, ...queued]);
    expect(results[0]!.cleaned_count).toBe(0);
    expect(new Set(results.slice(1)).size).toBe(1);
    expect(results[1]!.days_old).toBe(2);
    expect(results[1]!.cleaned_count).toBe(1);
  });
});
