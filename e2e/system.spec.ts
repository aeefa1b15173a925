import { spawnSync } from "node:child_process";
import os from "node:os";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { addPipeline, seedBatch } from "../test/fixtures";
import { BOOT_ID } from "../features/queue/workers";
import { parseConfig } from "../features/shared/config";
import { createContext, type AppContext } from "../features/shared/context";
import { uploadBatch, waitForBatch } from "./dashboard-fixtures";

const DAY = 86_400_000;

/** A direct connection to the running server's database and DATA_DIR, for arranging state. */
function withServerData<T>(fn: (ctx: AppContext) => T): T {
  const ctx = createContext(parseConfig({ DATA_DIR: process.env.E2E_DATA_DIR, LOG_LEVEL: "silent" }));
  try {
    return fn(ctx);
  } finally {
    ctx.db.$client.close();
  }
}

const suffix = () => Math.random().toString(36).slice(2, 8);

test("the system page shows health, queue, disk and the last 24 hours", async ({ page }) => {
  await page.goto("/system");
  await expect(page.getByRole("heading", { level: 1, name: "System" })).toBeVisible();
  await expect(page.getByTestId("health-status")).toContainText(/All systems normal|Needs attention/);
  await expect(page.getByTestId("queue-state")).toHaveText("running");
  await expect(page.getByTestId("workers-alive")).toHaveText(/^[1-9]\d*$/);
  await expect(page.getByTestId("disk-free")).toHaveText(/\d/);
  await expect(page.getByRole("heading", { name: "Last 24 hours" })).toBeVisible();
  await expect(page.getByTestId("failed-24h")).toHaveText(/^\d+$/);
});

test("recent failures list the file, the error and the batch", async ({ page }) => {
  const file = `E2E_SYS_broken_${suffix()}.png`;
  withServerData((ctx) => {
    const p = addPipeline(ctx, `E2E Problems ${suffix()}`);
    const batch = seedBatch(ctx, { jobs: [{ file, pipelineId: p, status: "failed", error: "Input is not a readable image" }] });
    const now = Date.now();
    ctx.db.$client
      .prepare("INSERT INTO attempts (job_id, batch_id, worker_id, attempt_number, started_at, finished_at, outcome, error, duration_ms) VALUES (?, ?, 'e2e', 1, ?, ?, 'failed', ?, 20)")
      .run(batch.jobs[0]!.id, batch.batchId, now - 1_000, now - 980, "Input is not a readable image");
  });
  await page.goto("/system");
  const item = page.getByTestId("problems").getByRole("listitem").filter({ hasText: file });
  await expect(item).toContainText("Input is not a readable image");
  await expect(item.getByRole("link", { name: /^E2E_DL_|^TEST_/ })).toBeVisible();
});

async function runCleanup(page: Page, days: string) {
  await page.getByLabel("Delete finished batches older than (days)").fill(days);
  await page.getByRole("button", { name: "Run cleanup now" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete old batches?" });
  await expect(dialog).toContainText(`older than ${days} days`);
  await dialog.getByRole("button", { name: "Delete old batches" }).click();
}

test("Run cleanup now deletes batches past the given age and keeps pinned ones", async ({ page, request }) => {
  // Finished 40 years ago, so a 10-year cleanup touches nothing other suites created.
  const [old, pinned] = withServerData((ctx) => {
    const p = addPipeline(ctx, `E2E Cleanup ${suffix()}`);
    const make = (pin: boolean) => seedBatch(ctx, { pinned: pin, jobs: [{ file: "a.png", pipelineId: p, output: Buffer.alloc(2048, 1) }] });
    const batches = [make(false), make(true)];
    for (const b of batches) ctx.db.$client.prepare("UPDATE batches SET completed_at = ? WHERE id = ?").run(Date.now() - 40 * 365 * DAY, b.batchId);
    return batches;
  });
  await page.goto("/system");
  await runCleanup(page, "3650");
  await expect(page.getByTestId("cleanup-result")).toHaveText(/^Cleaned 1 batch older than 3650 days, freed \d/);
  expect((await request.get(`/api/batches/${old!.batchId}`)).status()).toBe(404);
  expect((await request.get(`/api/batches/${pinned!.batchId}`)).status()).toBe(200);
  await expect(page.getByText(/Last run .*: 1 batch deleted/)).toBeVisible();

  // A value that is not a number of days is refused before anything is sent.
  await page.getByLabel("Delete finished batches older than (days)").fill("-1");
  await expect(page.getByRole("button", { name: "Run cleanup now" })).toBeDisabled();
});

test("Recover orphaned jobs requeues work held by a worker that died", async ({ page }) => {
  const deadPid = spawnSync(process.execPath, ["-e", ""]).pid;
  const stuck = withServerData((ctx) => {
    const p = addPipeline(ctx, `E2E Recover ${suffix()}`);
    const seeded = seedBatch(ctx, { jobs: [{ file: "stuck.png", pipelineId: p, status: "processing" }] });
    const now = Date.now();
    const worker = `e2e-dead-${suffix()}`;
    ctx.db.$client
      .prepare("INSERT INTO workers (id, boot_id, pid, hostname, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(worker, BOOT_ID, deadPid, os.hostname(), now - 60_000, now);
    // The lease runs far into the future, so only recovery (not lease expiry) can free the job.
    ctx.db.$client
      .prepare("UPDATE jobs SET lease_owner = ?, lease_token = 't', lease_expires_at = ?, started_at = ?, attempts = 1 WHERE id = ?")
      .run(worker, now + DAY, now, seeded.jobs[0]!.id);
    return { jobId: seeded.jobs[0]!.id, worker };
  });
  await page.goto("/system");
  await page.getByRole("button", { name: "Recover orphaned jobs" }).click();
  await expect(page.getByTestId("recover-result")).toHaveText(/^Recovered [1-9]\d* jobs?\.$/);
  // The dead worker lost the job and is marked stopped (the live queue may
  // already have claimed the job again, so its status is not the thing to check).
  const after = withServerData((ctx) => ({
    owner: (ctx.db.$client.prepare("SELECT lease_owner AS o FROM jobs WHERE id = ?").get(stuck.jobId) as { o: string | null }).o,
    worker: (ctx.db.$client.prepare("SELECT stopped_at AS s FROM workers WHERE id = ?").get(stuck.worker) as { s: number | null }).s,
  }));
  expect(after.owner).not.toBe(stuck.worker);
  expect(after.worker).not.toBeNull();
});

async function scrape(request: APIRequestContext): Promise<Map<string, number>> {
  const res = await request.get("/api/metrics");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const cut = line.lastIndexOf(" ");
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

test("GET /api/metrics counts the uploads and jobs the server really processed", async ({ request }) => {
  const before = await scrape(request);
  const batch = await uploadBatch(request, { files: 2, prefix: "E2E_METRICS" });
  await waitForBatch(request, batch.id, (b) => b.status === "completed");
  const after = await scrape(request);
  const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
  expect(delta("batchyard_uploads_total")).toBe(1);
  expect(delta("batchyard_upload_files_total")).toBe(2);
  expect(delta("batchyard_upload_bytes_total")).toBeGreaterThan(0);
  expect(delta('batchyard_jobs_finished_total{outcome="completed"}')).toBe(2);
  expect(delta('batchyard_job_duration_seconds_count{outcome="completed"}')).toBe(2);
  expect(delta('batchyard_http_request_duration_seconds_count{method="POST",route="/api/batches",status="201"}')).toBe(1);
  expect(after.get("batchyard_jobs_running")).toBeGreaterThanOrEqual(0);
  expect(after.get('batchyard_batches{status="completed"}')).toBeGreaterThanOrEqual(1);
});

test("screenshots of the system page, light and dark, desktop and 375 px", async ({ browser }) => {
  for (const colorScheme of ["light", "dark"] as const) {
    for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 800 }]) {
      const context = await browser.newContext({ colorScheme, viewport });
      const page = await context.newPage();
      await page.goto("/system");
      await expect(page.getByTestId("disk-free")).toBeVisible();
      await expect(page.getByTestId("failed-24h")).toBeVisible();
      await page.screenshot({ path: `test-results/system-${colorScheme}-${viewport.width}.png`, fullPage: true });
      await context.close();
    }
  }
});
