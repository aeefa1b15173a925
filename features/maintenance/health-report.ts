import { percentile } from "@/features/batches/stats";
import type { AppContext } from "@/features/shared/context";
import { getHealth } from "./health";
import { completedDurationsBetween, countOutcomesBetween } from "./history-queries";
import { countQueuedJobs, selectProblemRuns } from "./queries";
import { databaseBytes, measureDataDir } from "./storage";

/**
 * `npm run health` (seed 002's `rake batch_tracking:health`): the last 24 hours of runs, the
 * latest crashes with their files, the queue, and what the install takes on disk, with the same
 * ok/degraded verdict as /api/health, judged from outside the server process.
 */

const DAY_MS = 86_400_000;

export interface HealthReport {
  status: "ok" | "degraded";
  /** Why the status is degraded; empty when ok. */
  problems: string[];
  window: { from: string; to: string };
  runs: {
    total: number;
    completed: number;
    completed_percent: number;
    failed: number;
    timed_out: number;
    crashed: number;
    retried: number;
    interrupted: number;
    cancelled: number;
    crash_rate: number;
  };
  run_time: { avg_ms: number | null; p95_ms: number | null; max_ms: number | null };
  recent_crashes: { at: string; job_id: string; batch: string; file: string; pipeline: string; error: string | null }[];
  queue: { depth: number; running: number; workers_alive: number };
  storage: { database_bytes: number; data_dir_bytes: number; data_dir_files: number; free_bytes: number | null; total_bytes: number | null };
}

export async function healthReport(ctx: AppContext): Promise<HealthReport> {
  const now = ctx.clock.now();
  const range = { start: now - DAY_MS, end: now + 1 };
  const outcomes = countOutcomesBetween(ctx.db, range);
  const n = (outcome: string) => outcomes.get(outcome) ?? 0;
  const total = [...outcomes.values()].reduce((sum, count) => sum + count, 0);
  const durations = completedDurationsBetween(ctx.db, range);
  const dataDir = await measureDataDir(ctx);
  const health = getHealth(ctx, { queueElsewhere: true });
  const queued = countQueuedJobs(ctx.db);
  return {
    status: health.status,
    problems: problemsOf(health),
    window: { from: new Date(range.start).toISOString(), to: new Date(now).toISOString() },
    runs: {
      total,
      completed: n("completed"),
      completed_percent: total === 0 ? 0 : Math.round((n("completed") / total) * 1000) / 10,
      failed: n("failed"),
      timed_out: n("timeout"),
      crashed: n("crashed"),
      retried: n("retry"),
      interrupted: n("interrupted"),
      cancelled: n("cancelled"),
      crash_rate: total === 0 ? 0 : Math.round((n("crashed") / total) * 10_000) / 10_000,
    },
    run_time: {
      avg_ms: durations.length === 0 ? null : Math.round(durations.reduce((sum, ms) => sum + ms, 0) / durations.length),
      p95_ms: percentile(durations, 95),
      max_ms: durations.at(-1) ?? null,
    },
    recent_crashes: selectProblemRuns(ctx.db, range.start, ["crashed"], 5).map((run) => ({
      at: new Date(run.finished_at ?? now).toISOString(),
      job_id: run.job_id,
      batch: run.base_directory_name,
      file: run.file_name,
      pipeline: run.pipeline_name,
      error: run.error,
    })),
    queue: { depth: queued.pending, running: queued.running, workers_alive: health.queue.workers_alive },
    storage: {
      database_bytes: databaseBytes(ctx),
      data_dir_bytes: dataDir.bytes,
      data_dir_files: dataDir.files,
      free_bytes: health.disk?.free_bytes ?? null,
      total_bytes: health.disk?.total_bytes ?? null,
    },
  };
}

function problemsOf(health: ReturnType<typeof getHealth>): string[] {
  const problems: string[] = [];
  if (!health.db.ok) problems.push(`the database does not answer: ${health.db.error ?? "unknown error"}`);
  if (health.db.ok && health.queue.workers_alive === 0) problems.push("no queue engine is heartbeating (is the server or a worker running?)");
  if (health.disk?.warn) problems.push(`disk space is low: ${bytes(health.disk.free_bytes)} free`);
  return problems;
}

const UNITS = ["B", "KB", "MB", "GB", "TB"];
export function bytes(value: number | null): string {
  if (value === null) return "unknown";
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < UNITS.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${unit === 0 ? size : size.toFixed(1)} ${UNITS[unit]}`;
}

const ms = (value: number | null) => (value === null ? "-" : value < 1000 ? `${value} ms` : `${(value / 1000).toFixed(1)} s`);
const count = (value: number) => value.toLocaleString("en");

/** The readable report, as seed 002's rake task printed it. */
export function formatHealthReport(report: HealthReport): string {
  const { runs, run_time: time, queue, storage } = report;
  const lines = [
    `Batchyard health (last 24 h): ${report.status.toUpperCase()}`,
    "=".repeat(60),
    `Total runs:  ${count(runs.total)}`,
    `Completed:   ${count(runs.completed)} (${runs.completed_percent}%)`,
    `Failed:      ${count(runs.failed)} (+ ${count(runs.timed_out)} timed out, ${count(runs.retried)} retried)`,
    `Crashed:     ${count(runs.crashed)} (crash rate ${(runs.crash_rate * 100).toFixed(2)}%)`,
    `Run time:    avg ${ms(time.avg_ms)} · p95 ${ms(time.p95_ms)} · max ${ms(time.max_ms)}`,
    `Queue:       ${count(queue.depth)} waiting · ${count(queue.running)} running · ${queue.workers_alive} engine(s) alive`,
    `Storage:     database ${bytes(storage.database_bytes)} · data folder ${bytes(storage.data_dir_bytes)} (${count(storage.data_dir_files)} files) · ${bytes(storage.free_bytes)} free of ${bytes(storage.total_bytes)}`,
  ];
  if (report.recent_crashes.length > 0) {
    lines.push("", "Recent crashes:");
    for (const c of report.recent_crashes) lines.push(`  - ${c.at} job ${c.job_id}: ${c.batch} / ${c.file} (${c.pipeline})${c.error ? `: ${c.error}` : ""}`);
  }
  if (report.problems.length > 0) lines.push("", "Problems:", ...report.problems.map((p) => `  - ${p}`));
  return lines.join("\n");
}
