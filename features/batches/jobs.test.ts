import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedDatabase } from "@/scripts/seed";
import { createTestContext, type TestContext } from "@/test/fixtures";
import { getBatchDetail } from "./detail";
import { jsonWithEtag } from "./etag";
import { getJobDetail } from "./jobs";

let ctx: TestContext;
beforeEach(() => {
  ctx = createTestContext({ RETENTION_DAYS: "5" });
  seedDatabase(ctx.db, { batches: 80, filesPerBatch: 3, seed: 9, now: ctx.clock.now() });
});
afterEach(() => ctx.cleanup());

describe("getJobDetail", () => {
  it("shows a job with its file, pipeline and every attempt in order", () => {
    const { id, runs } = ctx.db.$client
      .prepare("SELECT job_id AS id, count(*) AS runs FROM attempts GROUP BY job_id HAVING count(*) > 1 LIMIT 1")
      .get() as { id: string; runs: number };
    const job = getJobDetail(ctx, id);
    expect(job.history).toHaveLength(runs);
    expect(job.history.map((a) => a.attempt)).toEqual(Array.from({ length: runs }, (_, i) => i + 1));
    expect(job).toMatchObject({ id, file_name: expect.any(String), pipeline_name: expect.any(String), thumbnail_url: `/api/files/${job.file_id}/thumbnail` });
  });

  it("answers not_found for an unknown job", () => {
    expect(() => getJobDetail(ctx, "nope")).toThrow(expect.objectContaining({ code: "not_found" }));
  });
});

describe("batch detail retention", () => {
  it("expires a finished batch RETENTION_DAYS after it completed, and never while pinned or active", () => {
    const sqlite = ctx.db.$client;
    const done = sqlite.prepare("SELECT id, completed_at FROM batches WHERE status = 'completed' AND pinned = 0 LIMIT 1").get() as { id: string; completed_at: number };
    expect(Date.parse(getBatchDetail(ctx, done.id).expires_at!)).toBe(done.completed_at + 5 * 86_400_000);
    sqlite.prepare("UPDATE batches SET pinned = 1 WHERE id = ?").run(done.id);
    expect(getBatchDetail(ctx, done.id).expires_at).toBeNull();
    const active = sqlite.prepare("SELECT id FROM batches WHERE status IN ('pending', 'paused') LIMIT 1").get() as { id: string };
    expect(getBatchDetail(ctx, active.id).expires_at).toBeNull();
  });
});

describe("jsonWithEtag", () => {
  it("answers 304 when the client holds the same body, 200 otherwise", async () => {
    const first = jsonWithEtag(new Request("http://x/"), { a: 1 });
    const etag = first.headers.get("etag")!;
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ a: 1 });
    expect(jsonWithEtag(new Request("http://x/", { headers: { "If-None-Match": etag } }), { a: 1 }).status).toBe(304);
    expect(jsonWithEtag(new Request("http://x/", { headers: { "If-None-Match": `W/${etag}` } }), { a: 1 }).status).toBe(304);
    expect(jsonWithEtag(new Request("http://x/", { headers: { "If-None-Match": etag } }), { a: 2 }).status).toBe(200);
  });
});
