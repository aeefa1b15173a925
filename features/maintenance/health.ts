import fs from "node:fs";
import { queueStatus } from "@/features/queue/runtime";
import { currentThrottle } from "@/features/queue/throttle-watch";
import { isWorkerDead } from "@/features/queue/workers";
import type { AppContext } from "@/features/shared/context";
import { queueConcurrency } from "@/features/settings/service";
// The default export: webpack warns on named exports of JSON, which will stop working.
import packageJson from "@/package.json";
import { pingDatabase, selectRunningWorkers } from "./queries";
import { lastCleanup } from "./retention";
import { databaseBytes, lastDataDirSize } from "./storage";

export interface WorkerHealth {
  id: string;
  pid: number;
  hostname: string;
  started_at: string;
  heartbeat_at: string;
}

export interface DiskHealth {
  path: string;
  free_bytes: number;
  total_bytes: number;
  /** True when free space is under DISK_FREE_WARN_MB. */
  warn: boolean;
  warn_under_bytes: number;
  /** db.sqlite with its WAL, now. */
  database_bytes: number;
  /** The whole DATA_DIR as last measured (storage.ts; null until the first walk finishes). */
  data_dir_bytes: number | null;
  data_dir_files: number | null;
  data_dir_measured_at: string | null;
}

export interface Health {
  /** `ok`, or `degraded` when the queue is not running where it should or the disk is nearly full. */
  status: "ok" | "degraded";
  version: string;
  uptime_s: number;
  db: { ok: boolean; error?: string };
  queue: ReturnType<typeof queueStatus> & { state: string; workers_alive: number; workers: WorkerHealth[] };
  disk: DiskHealth | null;
  maintenance: { retention_days: number; cleanup_interval_s: number; last_cleanup: ReturnType<typeof lastCleanup> };
  checked_at: string;
}

/**
 * GET /api/health: answers 503 only when the database is down (see the route). `queueElsewhere`:
 * asked from another process (`npm run health`), so the queue counts as running when some engine
 * heartbeats, wherever it runs.
 */
export function getHealth(ctx: AppContext, options: { queueElsewhere?: boolean } = {}): Health {
  const db = checkDatabase(ctx);
  const queue = queueStatus(db.ok ? queueConcurrency(ctx) : ctx.config.QUEUE_CONCURRENCY);
  const workers = db.ok ? workersAlive(ctx) : [];
  // Waiting for resources is reported, not "degraded": the host is busy, Batchyard is fine.
  const throttled = db.ok ? currentThrottle(ctx) : queue.throttled;
  // With QUEUE_IN_SERVER=false a separate `npm run worker` does the work; it must be heartbeating.
  const queueOk = ctx.config.QUEUE_IN_SERVER && !options.queueElsewhere ? queue.running : workers.length > 0;
  const disk = diskSpace(ctx);
  return {
    status: db.ok && queueOk && !disk?.warn ? "ok" : "degraded",
    version: packageJson.version,
    uptime_s: Math.round(process.uptime()),
    db,
    queue: { ...queue, throttled, state: queue.running ? "running" : "not running", workers_alive: workers.length, workers },
    disk,
    maintenance: {
      retention_days: ctx.config.RETENTION_DAYS,
      cleanup_interval_s: ctx.config.CLEANUP_INTERVAL_S,
      last_cleanup: lastCleanup(),
    },
    checked_at: new Date(ctx.clock.now()).toISOString(),
  };
}

function checkDatabase(ctx: AppContext): Health["db"] {
  try {
    pingDatabase(ctx.db);
    return { ok: true };
  } catch (error) {
    // SQLite's own text can name files under DATA_DIR: it goes to the log, the answer says what it means.
    ctx.log.error({ err: error }, "health check: database unreachable");
    return { ok: false, error: "The database cannot be read; the details are in the server log." };
  }
}

/** Workers (queue engines, in this process or others) whose heartbeat is fresh and pid alive. */
export function workersAlive(ctx: AppContext): WorkerHealth[] {
  const now = ctx.clock.now();
  return selectRunningWorkers(ctx.db)
    .filter((w) => !isWorkerDead(w, now, ctx.config.LEASE_S * 1000))
    .map((w) => ({
      id: w.id,
      pid: w.pid,
      hostname: w.hostname,
      started_at: new Date(w.startedAt).toISOString(),
      heartbeat_at: new Date(w.heartbeatAt).toISOString(),
    }));
}

/** Free space where DATA_DIR lives (what uploads and outputs will fill). */
export function diskSpace(ctx: AppContext): DiskHealth | null {
  try {
    const stats = fs.statfsSync(ctx.paths.root);
    const free = stats.bavail * stats.bsize;
    const warnUnder = ctx.config.DISK_FREE_WARN_MB * 1024 * 1024;
    const dataDir = lastDataDirSize(ctx);
    return {
      path: ctx.paths.root,
      free_bytes: free,
      total_bytes: stats.blocks * stats.bsize,
      warn: free < warnUnder,
      warn_under_bytes: warnUnder,
      database_bytes: databaseBytes(ctx),
      data_dir_bytes: dataDir?.bytes ?? null,
      data_dir_files: dataDir?.files ?? null,
      data_dir_measured_at: dataDir?.measured_at ?? null,
    };
  } catch (error) {
    ctx.log.warn({ err: error }, "could not read free disk space");
    return null;
  }
}
