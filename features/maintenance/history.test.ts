import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as historyRoute from "@/app/api/stats/history/route";
import { createToken } from "@/features/auth/tokens";
import { createUser } from "@/features/auth/users";
import { addBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { localDate } from "@/features/shared/clock";
import { computeDay, dayStart, getHistory, rollUpHistory } from "./history";
import { runCleanup } from "./retention";

let ctx: TestContext;
beforeEach(() => void (ctx = createTestContext()));
afterEach(() => ctx.cleanup());

const HOUR = 3_600_000;

/** Writes finished runs of the batch's jobs, in job order: [outcome, finished at, duration]. */
function runs(jobIds: string[], list: [string, number, number][]): void {
  const insert = ctx.db.$client.prepare(
    `INSERT INTO attempts (job_id, batch_id, worker_id, attempt_number, started_at, finished_at, outcome, duration_ms)
     SELECT id, batch_id, 'w', 1, ?, ?, ?, ? FROM jobs WHERE id = ?`,
  );
  list.forEach(([outcome, at, ms], i) => insert.run(at - ms, at, outcome, ms, jobIds[i % jobIds.length]));
}

describe("run history", () => {
  it("gives one row per local day, hand-computed, today live and ended days rolled up to outlive pruning", async () => {
    const today = localDate(ctx.clock.now());
    const twoDaysAgo = dayStart(today, -2);
    // Five files of 100 bytes; two of them output 40 bytes.
    const { jobIds } = addBatch(ctx, { files: 5 });
    ctx.db.$client.prepare("UPDATE jobs SET output_size = 40 WHERE id IN (?, ?)").run(jobIds[0], jobIds[1]);
    runs(jobIds, [
      ["completed", twoDaysAgo + 1 * HOUR, 100],
      ["completed", twoDaysAgo + 2 * HOUR, 300],
      ["crashed", twoDaysAgo + 3 * HOUR, 50],
      ["timeout", twoDaysAgo + 4 * HOUR, 1_800_000],
      ["retry", twoDaysAgo + 5 * HOUR, 20],
      ["failed", dayStart(today, -1) - 1, 10], // the last millisecond of that day
    ]);
    runs([jobIds[0]!], [["completed", dayStart(today) + 1, 500]]);

    const history = await getHistory(ctx, 3);
    expect(history.days).toBe(3);
    expect(history.data.map((d) => [d.date, d.partial])).toEqual([
      [localDate(twoDaysAgo), false],
      [localDate(dayStart(today, -1)), false],
      [today, true],
    ]);
    expect(history.data[0]).toEqual({
      date: localDate(twoDaysAgo),
      runs: 6,
      completed: 2,
      failed: 1,
      retried: 1,
      crashed: 1,
      timed_out: 1,
      interrupted: 0,
      cancelled: 0,
      crash_rate: 0.1667,
      avg_ms: 200,
      p95_ms: 300,
      max_ms: 300,
      files_processed: 2,
      bytes_processed: 200,
      bytes_written: 80,
      partial: false,
    });
    expect(history.data[1]).toMatchObject({ runs: 0, completed: 0, crash_rate: 0, avg_ms: null, p95_ms: null, max_ms: null, files_processed: 0 });
    expect(history.data[2]).toMatchObject({ runs: 1, completed: 1, avg_ms: 500, p95_ms: 500, max_ms: 500, files_processed: 1, bytes_processed: 100, bytes_written: 40 });

    // Ended days are stored: deleting their attempts (as retention does) changes nothing; today follows live.
    ctx.db.$client.prepare("DELETE FROM attempts").run();
    const later = await getHistory(ctx, 3);
    expect(later.data.slice(0, 2)).toEqual(history.data.slice(0, 2));
    expect(later.data[2]).toMatchObject({ runs: 0, partial: true });
  });

  it("cleanup rolls ended days up before it prunes their attempts", async () => {
    const today = localDate(ctx.clock.now());
    const { jobIds } = addBatch(ctx, { files: 1 });
    runs(jobIds, [["completed", dayStart(today, -20) + HOUR, 1000]]);
    const result = await runCleanup(ctx, { days_old: 7 });
    expect(result).toMatchObject({ history_days_rolled_up: 90, pruned_attempts: 1 });
    expect((await getHistory(ctx, 21)).data[0]).toMatchObject({ date: localDate(dayStart(today, -20)), runs: 1, completed: 1, avg_ms: 1000 });
    expect(await rollUpHistory(ctx)).toBe(0);
  });

  it("keeps today current between requests: new runs, a run committed late by another process, deletions", async () => {
    const today = localDate(ctx.clock.now());
    const start = dayStart(today);
    const { jobIds } = addBatch(ctx, { files: 4 });
    const todayOf = async () => (await getHistory(ctx, 1)).data[0]!;
    runs([jobIds[0]!], [["completed", start + 10 * HOUR, 100]]);
    expect(await todayOf()).toMatchObject({ runs: 1, completed: 1, avg_ms: 100, files_processed: 1 });
    runs([jobIds[1]!], [["completed", start + 11 * HOUR, 300]]);
    expect(await todayOf()).toMatchObject({ runs: 2, completed: 2, avg_ms: 200, max_ms: 300, files_processed: 2, bytes_processed: 200 });
    // Finished before the newest run counted, committed only now (its process was slower to write).
    runs([jobIds[2]!], [["crashed", start + 11 * HOUR - 30_000, 50]]);
    expect(await todayOf()).toMatchObject({ runs: 3, crashed: 1, crash_rate: 0.3333 });
    // Long before it: found by the outcome count check, which rereads the day.
    runs([jobIds[3]!], [["completed", start + 1 * HOUR, 500]]);
    expect(await todayOf()).toMatchObject({ runs: 4, completed: 3, max_ms: 500, p95_ms: 500, files_processed: 3 });
    ctx.db.$client.prepare("DELETE FROM attempts WHERE outcome = 'crashed'").run();
    expect(await todayOf()).toMatchObject({ runs: 3, crashed: 0, crash_rate: 0 });
    // The same figures as reading the whole day.
    const { computedAt: _at, ...fresh } = computeDay(ctx, today);
    const kept = await todayOf();
    expect({ runs: kept.runs, completed: kept.completed, avg_ms: kept.avg_ms, p95_ms: kept.p95_ms, max_ms: kept.max_ms, files_processed: kept.files_processed, bytes_processed: kept.bytes_processed, bytes_written: kept.bytes_written }).toEqual({
      runs: fresh.runs,
      completed: fresh.completed,
      avg_ms: fresh.avgMs,
      p95_ms: fresh.p95Ms,
      max_ms: fresh.maxMs,
      files_processed: fresh.filesProcessed,
      bytes_processed: fresh.bytesProcessed,
      bytes_written: fresh.bytesWritten,
    });
  });

  it("answers GET /api/stats/history?days=1..90 (default 30) and refuses other values", async () => {
    const holder = globalThis as unknown as { __batchyardContext?: TestContext };
    holder.__batchyardContext = ctx;
    try {
      const user = await createUser(ctx, { email: "m@studio.test", role: "member", password: "password-123" });
      const { token } = createToken(ctx, { userId: user.id, role: "member" }, { name: "t", scope: "read" });
      const get = async (query: string) => {
        const request = new Request(`http://127.0.0.1:3000/api/stats/history${query}`, { headers: { host: "127.0.0.1:3000", authorization: `Bearer ${token}` } });
        const response = await historyRoute.GET(request, { params: Promise.resolve({}) });
        return { status: response.status, body: await response.json() };
      };
      expect((await get("")).body.data).toHaveLength(30);
      expect((await get("?days=90")).body.data).toHaveLength(90);
      expect((await get("?days=1")).body).toMatchObject({ days: 1, data: [{ date: localDate(ctx.clock.now()), partial: true }] });
      for (const bad of ["?days=0", "?days=91", "?days=week", "?days=7&x=1"]) expect((await get(bad)).status, bad).toBe(400);
    } finally {
      holder.__batchyardContext = undefined;
    }
  });
});
