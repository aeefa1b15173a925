import { BATCH_STATUSES } from "@/db/schema";
import type { AppContext } from "@/features/shared/context";
import { queueStatus } from "@/features/queue/runtime";
import { currentThrottle } from "@/features/queue/throttle-watch";
import type { ThrottleState } from "@/features/queue/throttle";
import { queueConcurrency } from "@/features/settings/service";
import {
  countBatchesByStatus,
  countBatchesCreatedSince,
  countBatchesFinishedSince,
  countCompletedRunsSince,
  countJobsIn,
  countOutcomesSince,
  customerPrefixes,
  latestDurations,
  storageTotals,
} from "./stats-queries";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface BatchStats {
  by_status: Record<(typeof BATCH_STATUSES)[number], number>;
  total_batches: number;
  queue: { depth: number; running: number; concurrency: number; engine_running: boolean; throttled: ThrottleState | null };
  last_24h: {
    completed: number;
    failed: number;
    crashed: number;
    retried: number;
    crash_rate: number;
    p50_ms: number | null;
    p95_ms: number | null;
    files_per_min: number;
  };
  /** Throughput right now: completed jobs per minute over the last 10 minutes. */
  current: { files_per_min: number };
  today: { batches_completed: number; batches_created: number };
  storage: { inputs_bytes: number; outputs_bytes: number };
  customer_prefixes: string[];
  generated_at: string;
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Local midnight of the day `now` falls on (server time zone, like batch_date). */
function startOfDay(now: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/**
 * GET /api/batches/stats. Every number comes from an index: counters on the batch rows, the claim
 * index for queue depth, and attempts_finished_at_outcome_idx for the last 24 hours.
 */
export function getBatchStats(ctx: AppContext): BatchStats {
  const sqlite = ctx.db.$client;
  const now = ctx.clock.now();
  const since = now - DAY;

  const by_status = Object.fromEntries(BATCH_STATUSES.map((s) => [s, 0])) as BatchStats["by_status"];
  const statusRows = countBatchesByStatus(sqlite);
  for (const r of statusRows) by_status[r.status] = r.n;

  const depth = countJobsIn(sqlite, "pending");
  const running = countJobsIn(sqlite, "processing");

  const outcomes = countOutcomesSince(sqlite, since);
  const count = (...names: string[]) => names.reduce((s, n) => s + (outcomes.get(n) ?? 0), 0);
  const finishedRuns = [...outcomes.values()].reduce((s, n) => s + n, 0);
  const durations = latestDurations(sqlite, since).sort((a, b) => a - b);
  const recent = countCompletedRunsSince(sqlite, now - 10 * MINUTE);

  const today = startOfDay(now);
  const storage = storageTotals(sqlite);

  const queue = queueStatus(queueConcurrency(ctx));
  return {
    by_status,
    total_batches: statusRows.reduce((s, r) => s + r.n, 0),
    queue: { depth, running, concurrency: queue.concurrency, engine_running: queue.running, throttled: currentThrottle(ctx) },
    last_24h: {
      completed: count("completed"),
      failed: count("failed", "timeout"),
      crashed: count("crashed"),
      retried: count("retry"),
      crash_rate: finishedRuns === 0 ? 0 : Math.round((count("crashed") / finishedRuns) * 10_000) / 10_000,
      p50_ms: percentile(durations, 50),
      p95_ms: percentile(durations, 95),
      files_per_min: Math.round((count("completed") / (24 * 60)) * 100) / 100,
    },
    current: { files_per_min: Math.round((recent / 10) * 10) / 10 },
    today: { batches_completed: countBatchesFinishedSince(sqlite, today), batches_created: countBatchesCreatedSince(sqlite, today) },
    storage: { inputs_bytes: storage.inputs, outputs_bytes: storage.outputs },
    customer_prefixes: customerPrefixes(sqlite),
    generated_at: new Date(now).toISOString(),
  };
}
