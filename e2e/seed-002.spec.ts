import { expect, test } from "@playwright/test";
import { createApiToken, noisyImage, runCommand } from "./seed-helpers";

/**
 * Seed 002 (a Rails batch job tracker): its rake tasks are operator commands here (`npm run health`,
 * `npm run cleanup -- --days-old N`, `npm run recover`), run against the shared server's DATA_DIR
 * while it serves; its week of SQL (crash rate by day, average and max processing time) is
 * GET /api/stats/history.
 */
test.describe.configure({ mode: "serial" });

const BASE = `http://127.0.0.1:${process.env.E2E_PORT}`;
let TOKEN = "";
const npm = (...args: string[]) => runCommand("npm", ["run", "-s", ...args], { env: { DATA_DIR: process.env.E2E_DATA_DIR!, LOG_LEVEL: "warn" }, timeoutMs: 90_000 });

test.beforeAll(async ({ request }) => {
  TOKEN = await createApiToken(request, "write", "seed-002");
  // "Test with small upload": some finished runs for the last 24 hours to count.
  const form = new FormData();
  for (let i = 0; i < 3; i++) form.append("files", new Blob([new Uint8Array(await noisyImage(80, 60, "png", i))]), `TRK_doc_${i}.png`);
  const response = await fetch(`${BASE}/api/batches`, { method: "POST", headers: { Authorization: `Bearer ${TOKEN}` }, body: form });
  expect(response.status).toBe(201);
  const { id } = (await response.json()) as { id: string };
  await expect.poll(async () => (await (await fetch(`${BASE}/api/batches/${id}`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()).status, { timeout: 30_000 }).toBe("completed");
});

test("rake batch_tracking:health -> npm run health: the last 24 h, readable, exit 0 while the server runs", async () => {
  const result = await npm("health");
  expect(result.code, result.stderr).toBe(0);
  const lines = result.stdout;
  expect(lines).toContain("Batchyard health (last 24 h): OK");
  expect(lines).toMatch(/Total runs: {2}\d+/);
  expect(lines).toMatch(/Completed: {3}\d+ \(\d+(\.\d)?%\)/);
  expect(lines).toMatch(/Failed: {6}\d+/);
  expect(lines).toMatch(/Crashed: {5}\d+ \(crash rate \d+\.\d\d%\)/);
  expect(lines).toMatch(/Run time: {4}avg .* · p95 .* · max /);
  expect(lines).toMatch(/Queue: .* engine\(s\) alive/);
  expect(lines).toMatch(/Storage: {5}database .* · data folder .* files\) · .* free of /);
});

test("npm run health -- --json: one JSON object with every figure", async () => {
  const result = await npm("health", "--", "--json");
  expect(result.code).toBe(0);
  const report = JSON.parse(result.stdout);
  expect(report).toMatchObject({
    status: "ok",
    problems: [],
    runs: { total: expect.any(Number), completed: expect.any(Number), completed_percent: expect.any(Number), failed: expect.any(Number), crashed: expect.any(Number), crash_rate: expect.any(Number) },
    run_time: { avg_ms: expect.any(Number), p95_ms: expect.any(Number), max_ms: expect.any(Number) },
    recent_crashes: expect.any(Array),
    queue: { depth: expect.any(Number), running: expect.any(Number), workers_alive: expect.any(Number) },
    storage: { database_bytes: expect.any(Number), data_dir_bytes: expect.any(Number), data_dir_files: expect.any(Number), free_bytes: expect.any(Number) },
  });
  expect(report.runs.completed).toBeGreaterThanOrEqual(3);
  expect(report.queue.workers_alive).toBeGreaterThanOrEqual(1);
  expect(report.storage.data_dir_bytes).toBeGreaterThan(report.storage.database_bytes);
});

test("rake batch_tracking:cleanup -> npm run cleanup -- --days-old 7 (and --json)", async () => {
  const text = await npm("cleanup", "--", "--days-old", "7");
  expect(text.code, text.stderr).toBe(0);
  expect(text.stdout).toMatch(/^Deleted \d+ batch(es)? finished before .* \(older than 7 days\), freeing /m);
  const json = await npm("cleanup", "--", "--days-old", "7", "--json");
  expect(JSON.parse(json.stdout)).toMatchObject({ cleaned_count: expect.any(Number), freed_bytes: expect.any(Number), days_old: 7, pruned_attempts: expect.any(Number) });
  const bad = await npm("cleanup", "--", "--days-old", "soon");
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain("--days-old is a number of days");
});

test("crash recovery on demand -> npm run recover (and --json)", async () => {
  const text = await npm("recover");
  expect(text.code, text.stderr).toBe(0);
  expect(text.stdout).toMatch(/^Recovered \d+ jobs? in \d+ batch\(es\); \d+ failed/);
  const json = JSON.parse((await npm("recover", "--", "--json")).stdout);
  expect(json).toEqual({ recovered_count: 0, failed_count: 0, recovered_batch_ids: [], failed_batch_ids: [], paused_batch_ids: [], recovery_mode: "resume" });
});

test("the first week's SQL (crash rate by day; average and max processing time) -> GET /api/stats/history", async () => {
  const response = await fetch(`${BASE}/api/stats/history?days=7`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  const history = await response.json();
  expect(history).toMatchObject({ days: 7, time_zone: expect.any(String) });
  expect(history.data).toHaveLength(7);
  const today = history.data.at(-1);
  expect(today).toMatchObject({ date: new Date().toLocaleDateString("sv-SE"), partial: true, crashed: expect.any(Number), crash_rate: expect.any(Number) });
  expect(today.completed).toBeGreaterThanOrEqual(3);
  expect(today.avg_ms).toBeGreaterThan(0);
  expect(today.max_ms).toBeGreaterThanOrEqual(today.p95_ms);
  expect(today.files_processed).toBeGreaterThanOrEqual(3);
  expect(today.bytes_processed).toBeGreaterThan(0);
  for (const day of history.data.slice(0, -1)) expect(day.partial).toBe(false);
});
