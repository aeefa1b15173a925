/**
 * `npx tsx bench/list.ts [--data-dir DIR] [--batches N] [--iterations K]`
 * Latency of GET /api/batches' query for every filter x sort x order, and of the stats query, on a
 * seeded database (100k batches / ~1M jobs by default). Reuses --data-dir when it already holds a
 * database; otherwise seeds a temp one. Prints one JSON object.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "@/db/client";
import { seedDatabase } from "@/scripts/seed";
import { listBatches } from "@/features/batches/list";
import { listBatchesQuerySchema, SORT_COLUMNS } from "@/features/batches/schemas";
import { getBatchStats } from "@/features/batches/stats";
import { createContext } from "@/features/shared/context";
import { parseConfig } from "@/features/shared/config";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
};
const batches = Number(arg("batches") ?? 100_000);
const iterations = Number(arg("iterations") ?? 40);
const dataDir = path.resolve(arg("data-dir") ?? fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-bench-list-")));
const dbFile = path.join(dataDir, "db.sqlite");

if (!fs.existsSync(dbFile)) {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(dbFile);
  db.$client.pragma("synchronous = OFF");
  console.error(`seeding ${batches} batches x 10 files into ${dataDir} ...`);
  seedDatabase(db, { batches, filesPerBatch: 10, seed: 7, bulk: true });
  db.$client.close();
}

const ctx = createContext(parseConfig({ DATA_DIR: dataDir, LOG_LEVEL: "silent" }));
const sample = ctx.db.$client.prepare("SELECT base_directory_name AS name, batch_date AS d FROM batches ORDER BY rowid DESC LIMIT 1").get() as { name: string; d: string };
const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);

const FILTERS: Record<string, Record<string, string>> = {
  none: {},
  "status=failed": { status: "failed" },
  "status=completed": { status: "completed" },
  "status=completed,failed": { status: "completed,failed" },
  "status=pending,processing,paused": { status: "pending,processing,paused" },
  "customer_prefix=ACME": { customer_prefix: "ACME" },
  "priority=high": { priority: "high" },
  "date last 30 days": { date_from: monthAgo },
  "date one day": { date_from: sample.d, date_to: sample.d },
  "q=terrace": { q: "terrace" },
  "q=batch name": { q: sample.name },
  "status+prefix+priority": { status: "completed", customer_prefix: "NORD_OSL", priority: "low" },
  "page 20 (offset 1000)": { offset: "1000" },
};

const time = (fn: () => unknown) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.ceil((p / 100) * xs.length) - 1]!;
const round = (n: number) => Math.round(n * 100) / 100;

const results: { filter: string; sort_by: string; sort_order: string; p50_ms: number; p95_ms: number; total: number }[] = [];
for (const [name, filter] of Object.entries(FILTERS)) {
  for (const sort_by of SORT_COLUMNS) {
    for (const sort_order of ["asc", "desc"]) {
      const query = listBatchesQuerySchema.parse({ ...filter, sort_by, sort_order });
      const total = listBatches(ctx, query).total; // warm-up, and the count for the report
      const samples = Array.from({ length: iterations }, () => time(() => listBatches(ctx, query)));
      results.push({ filter: name, sort_by, sort_order, p50_ms: round(pct(samples, 50)), p95_ms: round(pct(samples, 95)), total });
    }
  }
}
getBatchStats(ctx);
const stats = Array.from({ length: iterations }, () => time(() => getBatchStats(ctx)));
const counts = ctx.db.$client.prepare("SELECT (SELECT count(*) FROM batches) AS batches, (SELECT count(*) FROM jobs) AS jobs").get();
const worst = results.reduce((a, b) => (b.p95_ms > a.p95_ms ? b : a));
console.log(
  JSON.stringify({
    bench: "list",
    data: counts,
    iterations,
    combinations: results.length,
    list_p95_ms_worst: worst.p95_ms,
    list_worst: `${worst.filter} / ${worst.sort_by} ${worst.sort_order}`,
    list_p95_ms_median: round(pct(results.map((r) => r.p95_ms), 50)),
    stats_p50_ms: round(pct(stats, 50)),
    stats_p95_ms: round(pct(stats, 95)),
    results,
  }),
);
ctx.db.$client.close();
