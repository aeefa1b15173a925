/**
 * Queue overhead with a no-op processor, on a temp database with the product's durable settings
 * (WAL, synchronous=NORMAL; a second pass with synchronous=FULL for comparison), logging every
 * job at info level to /dev/null so the per-job log line is paid for.
 *   throughput: N pending jobs (batches of 50, the upload's shape) drained at QUEUE_CONCURRENCY
 *   latency:    on an idle queue, from just before the enqueue transaction to the processor's start
 * Usage: npx tsx bench/queue.ts [jobs=20000] [latency samples=300]. Prints one JSON object.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pino from "pino";
import { createQueueEngine } from "@/features/queue/engine";
import { registerQueueRuntime, wakeQueue } from "@/features/queue/runtime";
import { addBatch } from "@/test/fixtures";
import { noopProcessor } from "@/test/queue";
import { systemClock } from "@/features/shared/clock";
import { parseConfig } from "@/features/shared/config";
import { createContext, type AppContext } from "@/features/shared/context";
import { appEvents } from "@/features/shared/events";

const JOBS = Number(process.argv[2] ?? 20_000);
const SAMPLES = Number(process.argv[3] ?? 300);
const BATCH_SIZE = 50;

function context(synchronous: "NORMAL" | "FULL"): AppContext & { cleanup(): void } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-bench-queue-"));
  const config = parseConfig({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "info" });
  const log = pino({ level: "info" }, pino.destination({ dest: "/dev/null", sync: true }));
  const ctx = createContext(config, { clock: systemClock, log, workerId: `bench-${process.pid}` });
  ctx.db.$client.pragma(`synchronous = ${synchronous}`);
  return { ...ctx, cleanup: () => (ctx.db.$client.close(), fs.rmSync(dataDir, { recursive: true, force: true })) };
}

/** N no-op jobs in batches of 50 drained by one engine; also run by bench/queue-vs-plainjob.ts. */
export async function throughput(synchronous: "NORMAL" | "FULL", jobs = JOBS) {
  const ctx = context(synchronous);
  for (let left = jobs; left > 0; left -= BATCH_SIZE) addBatch(ctx, { files: Math.min(BATCH_SIZE, left) });
  let finished = 0;
  const done = new Promise<void>((resolve) => {
    const onFinished = () => {
      if (++finished === jobs) {
        appEvents().off("job:finished", onFinished);
        resolve();
      }
    };
    appEvents().on("job:finished", onFinished);
  });
  const engine = createQueueEngine(ctx, { processor: noopProcessor });
  const started = performance.now();
  const cpu = process.cpuUsage();
  engine.start();
  await done;
  const seconds = (performance.now() - started) / 1000;
  const cpuUs = process.cpuUsage(cpu);
  await engine.stop({ graceMs: 0 });
  const completed = (ctx.db.$client.prepare("SELECT count(*) AS n FROM jobs WHERE status = 'completed'").get() as { n: number }).n;
  ctx.cleanup();
  // CPU time per job is this process's own cost, much less disturbed by other load than the rate.
  const cpuUsPerJob = Math.round((cpuUs.user + cpuUs.system) / jobs);
  return { synchronous, jobs, completed, seconds: round(seconds, 3), jobs_per_s: Math.round(jobs / seconds), cpu_us_per_job: cpuUsPerJob };
}

async function latency() {
  const ctx = context("NORMAL");
  addBatch(ctx, { files: 1 }); // pipelines and a first batch exist, as on a running server
  let onStart: (() => void) | undefined;
  const engine = createQueueEngine(ctx, {
    processor: async (claimed, pctx) => {
      onStart?.();
      return noopProcessor(claimed, pctx);
    },
  });
  registerQueueRuntime(engine);
  engine.start();
  await idle(ctx);
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const startedRun = new Promise<number>((resolve) => (onStart = () => resolve(performance.now())));
    const t0 = performance.now();
    addBatch(ctx, { files: 1 }); // the upload's commit
    wakeQueue(); // what the upload does right after
    samples.push((await startedRun) - t0);
    await idle(ctx);
  }
  await engine.stop({ graceMs: 0 });
  registerQueueRuntime(undefined);
  ctx.cleanup();
  samples.sort((a, b) => a - b);
  return { samples: SAMPLES, p50_ms: round(pct(samples, 0.5), 3), p99_ms: round(pct(samples, 0.99), 3), max_ms: round(samples.at(-1)!, 3) };
}

/** Waits until nothing is pending or running (polling; the queue drains in microseconds here). */
async function idle(ctx: AppContext) {
  const open = ctx.db.$client.prepare("SELECT count(*) AS n FROM jobs WHERE status IN ('pending', 'processing')");
  while ((open.get() as { n: number }).n > 0) await new Promise((resolve) => setTimeout(resolve, 1));
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

async function main() {
  const normal = await throughput("NORMAL");
  const full = await throughput("FULL");
  const enqueueToStart = await latency();
  const result = {
    bench: "queue",
    concurrency: parseConfig(process.env).QUEUE_CONCURRENCY,
    batch_size: BATCH_SIZE,
    throughput: normal,
    throughput_synchronous_full: full,
    enqueue_to_start: enqueueToStart,
    budgets: { jobs_per_s: 5000, p50_ms: 10 },
    pass: normal.jobs_per_s >= 5000 && enqueueToStart.p50_ms <= 10,
    cpus: os.cpus().length,
  };
  console.log(JSON.stringify(result));
}

// Run only as the entry point, so the comparison bench can import throughput().
if (process.argv[1] && /bench[\\/]queue\.ts$/.test(process.argv[1])) {
  main().catch((error: unknown) => {
    console.log(JSON.stringify({ bench: "queue", error: error instanceof Error ? error.message : String(error) }));
    process.exitCode = 1;
  });
}
