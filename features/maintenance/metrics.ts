import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { BATCH_STATUSES } from "@/db/schema";
import { downloadActivity } from "@/features/downloads/activity";
import type { AppContext } from "@/features/shared/context";
import { appEvents } from "@/features/shared/events";
import { currentThrottle } from "@/features/queue/throttle-watch";
import { diskSpace, workersAlive } from "./health";
import { countBatchesByStatus, countQueuedJobs } from "./queries";

/**
 * GET /api/metrics. Event-fed counters and histograms (jobs, uploads, HTTP) live for the process;
 * state gauges (queue depth, running jobs, batches by status, workers, disk) are read from SQLite at
 * scrape time, so they are right whichever process did the work. One registry per process, on
 * globalThis, because Next.js may load this module more than once.
 */
function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const seconds = (name: string, help: string, labelNames: string[], buckets: number[]) =>
    new Histogram({ name, help, labelNames, buckets, registers: [registry] });
  return {
    registry,
    jobsFinished: new Counter({ name: "batchyard_jobs_finished_total", help: "Job runs finished, by outcome.", labelNames: ["outcome"], registers: [registry] }),
    jobDuration: seconds("batchyard_job_duration_seconds", "Duration of job runs, by outcome.", ["outcome"], [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800]),
    uploads: new Counter({ name: "batchyard_uploads_total", help: "Accepted uploads (batches created).", registers: [registry] }),
    uploadFiles: new Counter({ name: "batchyard_upload_files_total", help: "Files in accepted uploads.", registers: [registry] }),
    uploadBytes: new Counter({ name: "batchyard_upload_bytes_total", help: "Bytes in accepted uploads.", registers: [registry] }),
    http: seconds("batchyard_http_request_duration_seconds", "HTTP API request durations.", ["method", "route", "status"], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10]),
    queueDepth: new Gauge({ name: "batchyard_queue_depth", help: "Pending jobs (waiting to be claimed, including backoff).", registers: [registry] }),
    jobsRunning: new Gauge({ name: "batchyard_jobs_running", help: "Jobs being processed now.", registers: [registry] }),
    batches: new Gauge({ name: "batchyard_batches", help: "Batches by status.", labelNames: ["status"], registers: [registry] }),
    workersAlive: new Gauge({ name: "batchyard_workers_alive", help: "Queue workers with a fresh heartbeat.", registers: [registry] }),
    throttled: new Gauge({ name: "batchyard_queue_throttled", help: "1 while the queue waits for resources (no new claims), by reason (cpu, memory).", labelNames: ["reason"], registers: [registry] }),
    diskFree: new Gauge({ name: "batchyard_disk_free_bytes", help: "Free bytes on the file system of DATA_DIR.", registers: [registry] }),
    downloadsActive: new Gauge({ name: "batchyard_downloads_active", help: "Batch ZIP downloads streaming now.", registers: [registry] }),
    downloadBytes: new Counter({ name: "batchyard_download_bytes_total", help: "Bytes of batch ZIPs sent.", registers: [registry] }),
    downloadBytesSeen: 0,
    listening: false,
  };
}

type Metrics = ReturnType<typeof createMetrics>;
const holder = globalThis as unknown as { __batchyardMetrics?: Metrics };

/** Creates the registry and subscribes to domain events, once per process. */
export function installMetrics(): Metrics {
  const metrics = (holder.__batchyardMetrics ??= createMetrics());
  if (metrics.listening) return metrics;
  metrics.listening = true;
  const events = appEvents();
  events.on("job:finished", ({ outcome, durationMs }) => {
    metrics.jobsFinished.inc({ outcome });
    metrics.jobDuration.observe({ outcome }, durationMs / 1000);
  });
  events.on("upload:accepted", ({ files, bytes }) => {
    metrics.uploads.inc();
    metrics.uploadFiles.inc(files);
    metrics.uploadBytes.inc(bytes);
  });
  events.on("http:request", ({ method, route, status, durationMs }) => {
    metrics.http.observe({ method, route, status: String(status) }, durationMs / 1000);
  });
  return metrics;
}

/** The Prometheus text exposition, with state gauges refreshed from the database first. */
export async function renderMetrics(ctx: AppContext): Promise<{ contentType: string; body: string }> {
  const metrics = installMetrics();
  const jobs = countQueuedJobs(ctx.db);
  metrics.queueDepth.set(jobs.pending);
  metrics.jobsRunning.set(jobs.running);
  const byStatus = countBatchesByStatus(ctx.db);
  for (const status of BATCH_STATUSES) metrics.batches.set({ status }, byStatus.get(status) ?? 0);
  metrics.workersAlive.set(workersAlive(ctx).length);
  const throttled = currentThrottle(ctx);
  for (const reason of ["cpu", "memory"] as const) metrics.throttled.set({ reason }, throttled?.reason === reason ? 1 : 0);
  const disk = diskSpace(ctx);
  if (disk) metrics.diskFree.set(disk.free_bytes);
  const downloads = downloadActivity();
  metrics.downloadsActive.set(downloads.active);
  metrics.downloadBytes.inc(downloads.bytesSent - metrics.downloadBytesSeen);
  metrics.downloadBytesSeen = downloads.bytesSent;
  return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}
