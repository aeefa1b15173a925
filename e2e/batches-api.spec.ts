import { expect, test } from "@playwright/test";
import { readDb, seedIdleBatches, SEED_PREFIXES, uploadBatch, waitForBatch, truncatedJpeg } from "./dashboard-fixtures";

test.describe.configure({ mode: "serial" });

interface Ref {
  rowid: number;
  id: string;
  status: string;
  priority: string;
  customer_prefix: string;
  batch_date: string;
  base_directory_name: string;
  description: string;
  total_files: number;
  total_size: number;
  total_jobs: number;
  done: number;
  created_at: number;
  file_names: string;
}

const SORTS = ["created_at", "batch_date", "base_directory_name", "priority", "status", "total_files", "total_size", "progress"] as const;
const PRIORITY_VALUE: Record<string, number> = { low: 0, normal: 1, high: 2 };
const key: Record<(typeof SORTS)[number], (r: Ref) => (string | number)[]> = {
  created_at: (r) => [r.created_at],
  batch_date: (r) => [r.batch_date, r.created_at],
  base_directory_name: (r) => [r.base_directory_name],
  priority: (r) => [PRIORITY_VALUE[r.priority]!, r.created_at],
  status: (r) => [r.status, r.created_at],
  total_files: (r) => [r.total_files, r.created_at],
  total_size: (r) => [r.total_size, r.created_at],
  progress: (r) => [r.total_jobs ? Math.trunc((r.done * 1000) / r.total_jobs) : 0, r.created_at],
};

let refs: Ref[] = [];
let dateTo = "";

test.beforeAll(() => {
  dateTo = seedIdleBatches(150, 21).dateTo;
  refs = readDb((db) =>
    db
      .prepare(
        `SELECT b.rowid, b.id, status, priority, customer_prefix, batch_date, base_directory_name, description, total_files, total_size,
                total_jobs, completed_jobs + failed_jobs + cancelled_jobs AS done, b.created_at,
                (SELECT group_concat(original_name, ' ') FROM files f WHERE f.batch_id = b.id) AS file_names
         FROM batches b WHERE batch_date <= ?`,
      )
      .all(dateTo) as Ref[],
  );
});

function expected(filter: (r: Ref) => boolean, sortBy: (typeof SORTS)[number], order: "asc" | "desc") {
  const sign = order === "asc" ? 1 : -1;
  return refs
    .filter(filter)
    .sort((a, b) => {
      const ka = [...key[sortBy](a), a.rowid];
      const kb = [...key[sortBy](b), b.rowid];
      for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return (ka[i]! < kb[i]! ? -1 : 1) * sign;
      return 0;
    })
    .map((r) => r.id);
}

test("GET /api/batches answers every filter under every sort and order, exactly", async ({ request }) => {
  const one = refs[7]!;
  const filters: [Record<string, string>, (r: Ref) => boolean][] = [
    [{}, () => true],
    [{ status: "failed" }, (r) => r.status === "failed"],
    [{ status: "paused,cancelled" }, (r) => r.status === "paused" || r.status === "cancelled"],
    [{ customer_prefix: "E2E_BETA" }, (r) => r.customer_prefix === "E2E_BETA"],
    [{ priority: "low" }, (r) => r.priority === "low"],
    [{ priority: "high,normal" }, (r) => r.priority !== "low"],
    [{ date_from: one.batch_date }, (r) => r.batch_date >= one.batch_date],
    [{ q: "terrace" }, (r) => / E2E_[A-Z]+_terrace_|^E2E_[A-Z]+_terrace_/.test(r.file_names)],
    [{ q: one.base_directory_name }, (r) => r.base_directory_name.startsWith(one.base_directory_name)],
    [{ status: "completed", customer_prefix: "E2E_GAMMA", priority: "normal" }, (r) => r.status === "completed" && r.customer_prefix === "E2E_GAMMA" && r.priority === "normal"],
  ];
  for (const [params, filter] of filters) {
    expect(refs.filter(filter).length, JSON.stringify(params)).toBeGreaterThan(0);
    for (const sort_by of SORTS) {
      for (const sort_order of ["asc", "desc"] as const) {
        const query = new URLSearchParams({ ...params, date_to: dateTo, sort_by, sort_order, limit: "200" });
        const res = await request.get(`/api/batches?${query}`);
        expect(res.status()).toBe(200);
        const body = await res.json();
        const want = expected(filter, sort_by, sort_order);
        expect(body.total, `${query}`).toBe(want.length);
        expect(body.data.map((b: { id: string }) => b.id), `${query}`).toEqual(want);
      }
    }
  }
});

test("GET /api/batches pages with limit and offset, and rows carry the summary fields", async ({ request }) => {
  const want = expected(() => true, "base_directory_name", "asc");
  const seen: string[] = [];
  for (let offset = 0; offset < want.length + 20; offset += 20) {
    const res = await request.get(`/api/batches?date_to=${dateTo}&sort_by=base_directory_name&sort_order=asc&limit=20&offset=${offset}`);
    const body = await res.json();
    expect(body).toMatchObject({ limit: 20, offset, total: want.length });
    seen.push(...body.data.map((b: { id: string }) => b.id));
  }
  expect(seen).toEqual(want);
  const row = (await (await request.get(`/api/batches?date_to=${dateTo}&limit=1`)).json()).data[0];
  for (const field of ["base_directory_name", "description", "customer_prefix", "batch_date", "priority", "status", "total_files", "total_jobs", "completed_jobs", "failed_jobs", "total_size", "progress_percent", "eta_seconds", "created_at", "updated_at", "expires_at", "pinned"]) {
    expect(row, field).toHaveProperty(field);
  }
  const defaults = await (await request.get("/api/batches")).json();
  expect(defaults).toMatchObject({ limit: 50, offset: 0 });
});

test("GET /api/batches rejects every bad parameter with a 400 naming it", async ({ request }) => {
  const cases: [string, string][] = [
    ["sort_by=rowid", "sort_by"],
    ["sort_order=sideways", "sort_order"],
    ["limit=0", "limit"],
    ["limit=201", "limit"],
    ["limit=abc", "limit"],
    ["offset=-1", "offset"],
    ["status=finished", "status"],
    ["priority=urgent", "priority"],
    ["date_from=2025-02-30", "date_from"],
    ["date_to=tomorrow", "date_to"],
    ["date_from=2025-03-01&date_to=2025-01-01", "date_to"],
    ["customer_prefix=bad prefix!", "customer_prefix"],
    ["q=", "q"],
    ["limit=5&limit=6", "limit"],
    ["colour=red", "colour"],
  ];
  for (const [query, field] of cases) {
    const res = await request.get(`/api/batches?${query}`);
    expect(res.status(), query).toBe(400);
    const body = await res.json();
    expect(body.error.code, query).toBe("validation_failed");
    expect(JSON.stringify(body.error), query).toContain(field);
  }
});

test("list and detail answer ETags and 304 while nothing changed", async ({ request }) => {
  const url = `/api/batches?date_to=${dateTo}&limit=5`;
  const first = await request.get(url);
  const etag = first.headers()["etag"]!;
  expect(etag).toBeTruthy();
  expect((await request.get(url, { headers: { "If-None-Match": etag } })).status()).toBe(304);
  expect((await request.get(`/api/batches?date_to=${dateTo}&limit=6`, { headers: { "If-None-Match": etag } })).status()).toBe(200);
  const id = refs[0]!.id;
  const detail = await request.get(`/api/batches/${id}`);
  const tag = detail.headers()["etag"]!;
  expect((await request.get(`/api/batches/${id}`, { headers: { "If-None-Match": tag } })).status()).toBe(304);
  await request.patch(`/api/batches/${id}`, { data: { description: "changed for the etag test" } });
  expect((await request.get(`/api/batches/${id}`, { headers: { "If-None-Match": tag } })).status()).toBe(200);
});

test("GET /api/batches/stats reports status counts, queue, last 24 h and storage", async ({ request }) => {
  const res = await request.get("/api/batches/stats");
  expect(res.status()).toBe(200);
  const stats = await res.json();
  const seededByStatus = readDb((db) => db.prepare("SELECT count(*) AS n FROM batches WHERE status = 'failed'").get() as { n: number });
  expect(stats.by_status.failed).toBe(seededByStatus.n);
  expect(stats.queue).toMatchObject({ concurrency: expect.any(Number), depth: expect.any(Number), running: expect.any(Number) });
  expect(Object.keys(stats.last_24h)).toEqual(expect.arrayContaining(["completed", "failed", "crashed", "crash_rate", "p50_ms", "p95_ms", "files_per_min"]));
  expect(stats.storage.inputs_bytes).toBeGreaterThan(0);
  expect(stats.customer_prefixes).toEqual(expect.arrayContaining(SEED_PREFIXES));
  expect((await request.get("/api/batches/stats?x=1")).status()).toBe(400);
});

test("detail, job detail, PATCH and 404s", async ({ request }) => {
  const batch = refs.find((r) => r.status === "failed")!;
  const detail = await (await request.get(`/api/batches/${batch.id}`)).json();
  expect(detail).toMatchObject({ id: batch.id, base_directory_name: batch.base_directory_name, summary: expect.stringContaining("failed") });
  expect(detail.jobs.length).toBe(batch.total_jobs);
  const job = detail.jobs[0];
  expect(job).toMatchObject({ file_name: expect.any(String), thumbnail_url: `/api/files/${job.file_id}/thumbnail`, status: "failed", error: { message: expect.any(String) } });

  const jobDetail = await (await request.get(`/api/jobs/${job.id}`)).json();
  expect(jobDetail).toMatchObject({ id: job.id, batch_id: batch.id, status: "failed" });
  expect(jobDetail.history.length).toBeGreaterThan(0);
  expect(jobDetail.history.at(-1)).toMatchObject({ outcome: expect.stringMatching(/failed|crashed/) });

  const patched = await request.patch(`/api/batches/${batch.id}`, { data: { description: "Re-shoot needed", pinned: true } });
  expect(patched.status()).toBe(200);
  expect(await patched.json()).toMatchObject({ description: "Re-shoot needed", pinned: true, expires_at: null });
  const unpinned = await (await request.patch(`/api/batches/${batch.id}`, { data: { pinned: false } })).json();
  expect(unpinned.expires_at).not.toBeNull();
  const found = await (await request.get(`/api/batches?q=reshoot&date_to=${dateTo}`)).json();
  expect(found.total).toBe(0);
  const byDescription = await (await request.get(`/api/batches?q=re-shoot&date_to=${dateTo}`)).json();
  expect(byDescription.data.map((b: { id: string }) => b.id)).toContain(batch.id);

  for (const body of [{}, { priority: "urgent" }, { pinned: "yes" }, { extra: 1 }]) {
    expect((await request.patch(`/api/batches/${batch.id}`, { data: body })).status(), JSON.stringify(body)).toBe(400);
  }
  const missing = "00000000-0000-0000-0000-000000000000";
  for (const [method, url] of [
    ["GET", `/api/batches/${missing}`],
    ["PATCH", `/api/batches/${missing}`],
    ["DELETE", `/api/batches/${missing}`],
    ["POST", `/api/batches/${missing}/pause`],
    ["POST", `/api/batches/${missing}/resume`],
    ["POST", `/api/batches/${missing}/cancel`],
    ["POST", `/api/batches/${missing}/retry`],
    ["GET", `/api/jobs/${missing}`],
    ["POST", `/api/jobs/${missing}/retry`],
  ] as const) {
    const res = await request.fetch(url, { method, data: method === "PATCH" ? { pinned: true } : undefined });
    expect(res.status(), `${method} ${url}`).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
  }
});

test("impossible moves answer 409 with a reason", async ({ request }) => {
  const completed = refs.find((r) => r.status === "completed")!;
  const paused = refs.find((r) => r.status === "paused")!;
  const cancelled = refs.find((r) => r.status === "cancelled")!;
  const doneJob = readDb((db) => db.prepare("SELECT id FROM jobs WHERE batch_id = ? AND status = 'completed' LIMIT 1").get(completed.id) as { id: string });
  for (const [url, body] of [
    [`/api/batches/${completed.id}/pause`, undefined],
    [`/api/batches/${completed.id}/resume`, undefined],
    [`/api/batches/${completed.id}/cancel`, undefined],
    [`/api/batches/${paused.id}/pause`, undefined],
    [`/api/batches/${cancelled.id}/resume`, undefined],
    [`/api/jobs/${doneJob.id}/retry`, undefined],
  ] as const) {
    const res = await request.post(url, { data: body });
    expect(res.status(), url).toBe(409);
    const error = (await res.json()).error;
    expect(error.code, url).toBe("invalid_transition");
    expect(error.message.length, url).toBeGreaterThan(5);
  }
  const priority = await request.patch(`/api/batches/${completed.id}`, { data: { priority: "high" } });
  expect(priority.status()).toBe(409);
});

test("controls move a live batch: pause, resume, cancel, retry failed, retry one file, delete", async ({ request }) => {
  const live = await uploadBatch(request, { files: 30, prefix: "E2E_LIVE", size: 1600, pipelines: 3 });
  const paused = await request.post(`/api/batches/${live.id}/pause`);
  expect(paused.status(), await paused.text()).toBe(200);
  expect((await paused.json()).status).toBe("paused");
  // Paused: running jobs finish, nothing new starts, so progress stops short of done.
  const settled = await waitForBatch(request, live.id, (b) => b.status === "paused");
  expect(settled.completed_jobs).toBeLessThan(settled.total_jobs);
  expect((await request.post(`/api/batches/${live.id}/resume`)).status()).toBe(200);
  const raised = await request.patch(`/api/batches/${live.id}`, { data: { priority: "high" } });
  expect([200, 409]).toContain(raised.status());
  await waitForBatch(request, live.id, (b) => b.status === "completed");

  const doomed = await uploadBatch(request, { files: 30, prefix: "E2E_DOOMED", size: 1600, pipelines: 3 });
  const cancelled = await request.post(`/api/batches/${doomed.id}/cancel`);
  expect(cancelled.status()).toBe(200);
  expect((await cancelled.json()).status).toBe("cancelled");
  const final = await waitForBatch(request, doomed.id, (b) => b.status === "cancelled");
  expect(final.completed_jobs).toBeLessThan(final.total_jobs);

  const flawed = await uploadBatch(request, { files: 2, prefix: "E2E_FLAWED", broken: await truncatedJpeg() });
  const withFailure = await waitForBatch(request, flawed.id, (b) => b.status === "completed" && b.failed_jobs === 1);
  expect(withFailure.failed_jobs).toBe(1);
  const retried = await request.post(`/api/batches/${flawed.id}/retry`);
  expect(retried.status()).toBe(200);
  expect((await retried.json()).failed_jobs).toBe(0);
  const again = await waitForBatch(request, flawed.id, (b) => b.failed_jobs === 1 && b.status === "completed");
  expect(again.completed_jobs).toBe(2);
  const failedJob = (await (await request.get(`/api/batches/${flawed.id}`)).json()).jobs.find((j: { status: string }) => j.status === "failed");
  const jobRetry = await request.post(`/api/jobs/${failedJob.id}/retry`);
  expect(jobRetry.status()).toBe(200);
  expect((await jobRetry.json()).status).toBe("pending");
  await waitForBatch(request, flawed.id, (b) => b.failed_jobs === 1);
  const history = (await (await request.get(`/api/jobs/${failedJob.id}`)).json()).history;
  expect(history.length).toBeGreaterThanOrEqual(3);

  expect((await request.delete(`/api/batches/${flawed.id}`)).status()).toBe(204);
  expect((await request.get(`/api/batches/${flawed.id}`)).status()).toBe(404);
  // Deleting an active batch cancels it first.
  const busy = await uploadBatch(request, { files: 20, prefix: "E2E_BUSY", size: 1600, pipelines: 2 });
  expect((await request.delete(`/api/batches/${busy.id}`)).status()).toBe(204);
  expect((await request.get(`/api/batches/${busy.id}`)).status()).toBe(404);
});
