/**
 * Queue overhead side by side: Batchyard's engine (bench/queue.ts: attempt rows, batch counters and
 * one log line per job, WAL + synchronous=NORMAL) and plainjob 0.0.14 (its own pragmas: WAL +
 * synchronous=NORMAL) on the same better-sqlite3, each draining N no-op jobs at concurrency 3
 * (plainjob: three workers, its way of running three at once). Rounds alternate the two so other
 * load on the machine hits both alike; medians are reported. Prints one JSON object.
 *
 *   npx tsx bench/queue-vs-plainjob.ts [jobs=10000] [rounds=5]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { better, defineQueue, defineWorker } from "plainjob";
import { throughput } from "./queue";

const JOBS = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const CONCURRENCY = 3;

const silent = { error() {}, warn() {}, info() {}, debug() {} };

async function plainjob(jobs: number): Promise<{ jobs_per_s: number; cpu_us_per_job: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-plainjob-"));
  const sqlite = new Database(path.join(dir, "db.sqlite"));
  try {
    const queue = defineQueue({ connection: better(sqlite), logger: silent });
    const batch = 50;
    for (let left = jobs; left > 0; left -= batch) queue.addMany("noop", Array.from({ length: Math.min(batch, left) }, (_, i) => ({ i })));
    let finished = 0;
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const onCompleted = () => {
      if (++finished === jobs) resolveDone();
    };
    const workers = Array.from({ length: CONCURRENCY }, () =>
      defineWorker("noop", async () => undefined, { queue, logger: silent, onCompleted, pollIntervall: 1 }),
    );
    const started = performance.now();
    const cpu = process.cpuUsage();
    for (const worker of workers) void worker.start();
    await done;
    const seconds = (performance.now() - started) / 1000;
    const cpuUs = process.cpuUsage(cpu);
    await Promise.all(workers.map((worker) => worker.stop()));
    queue.close();
    return { jobs_per_s: Math.round(jobs / seconds), cpu_us_per_job: Math.round((cpuUs.user + cpuUs.system) / jobs) };
  } finally {
    sqlite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  process.env.QUEUE_CONCURRENCY = String(CONCURRENCY);
  // Warm-up of both (JIT, page cache), not counted.
  await throughput("NORMAL", 1000);
  await plainjob(1000);
  const samples = { batchyard: [] as number[], plainjob: [] as number[] };
  const cpu = { batchyard: [] as number[], plainjob: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const ours = await throughput("NORMAL", JOBS);
    samples.batchyard.push(ours.jobs_per_s);
    cpu.batchyard.push(ours.cpu_us_per_job);
    const theirs = await plainjob(JOBS);
    samples.plainjob.push(theirs.jobs_per_s);
    cpu.plainjob.push(theirs.cpu_us_per_job);
  }
  const result = {
    bench: "queue-vs-plainjob",
    jobs: JOBS,
    rounds: ROUNDS,
    concurrency: CONCURRENCY,
    jobs_per_s: { batchyard: median(samples.batchyard), plainjob: median(samples.plainjob) },
    cpu_us_per_job: { batchyard: median(cpu.batchyard), plainjob: median(cpu.plainjob) },
    samples,
    ratio: Math.round((median(samples.batchyard) / median(samples.plainjob)) * 100) / 100,
    load_avg_1m: Math.round(os.loadavg()[0]! * 10) / 10,
    cpus: os.cpus().length,
  };
  console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.log(JSON.stringify({ bench: "queue-vs-plainjob", error: error instanceof Error ? error.message : String(error) }));
  process.exitCode = 1;
});
