/**
 * `npx tsx bench/history.ts [--data-dir DIR] [--batches N] [--iterations K]`
 * Latency of GET /api/stats/history's service on a seeded database (100k batches / ~1M jobs by
 * default; the seed spreads finished work over a year): the first request, which rolls up every
 * ended day it lacks, then steady-state requests for 7, 30 and 90 days, and for comparison the same
 * 90 days computed from attempts without the roll-up (what a plain scan would cost per request),
 * and a 30-day request on a day that already has 100,000 runs (today is always computed live).
 * Reuses --data-dir when it already holds a database. Prints one JSON object.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "@/db/client";
import { computeDay, getHistory, MAX_HISTORY_DAYS } from "@/features/maintenance/history";
import { localDate } from "@/features/shared/clock";
import { parseConfig } from "@/features/shared/config";
import { createContext } from "@/features/shared/context";
import { seedDatabase } from "@/scripts/seed";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
};
const BUDGET_MS = 100;
const batches = Number(arg("batches") ?? 100_000);
const iterations = Number(arg("iterations") ?? 40);
const dataDir = path.resolve(arg("data-dir") ?? fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-bench-history-")));
const dbFile = path.join(dataDir, "db.sqlite");

if (!fs.existsSync(dbFile)) {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(dbFile);
  db.$client.pragma("synchronous = OFF");
  console.error(`seeding ${batches} batches x 10 files into ${dataDir} ...`);
  seedDatabase(db, { batches, filesPerBatch: 10, seed: 7 });
  db.$client.close();
}

const ctx = createContext(parseConfig({ DATA_DIR: dataDir, LOG_LEVEL: "silent" }));
const sqlite = ctx.db.$client;
// A fresh start: no day rolled up yet, as on the first request after an upgrade.
sqlite.prepare("DELETE FROM daily_history").run();

const time = async (fn: () => unknown) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.ceil((p / 100) * xs.length) - 1]!;
const round = (n: number) => Math.round(n * 100) / 100;
async function measure(fn: () => unknown) {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) samples.push(await time(fn));
  return { p50_ms: round(pct(samples, 50)), p95_ms: round(pct(samples, 95)) };
}

async function main(): Promise<void> {
  const firstRequestMs = round(await time(() => getHistory(ctx, MAX_HISTORY_DAYS)));
  const steady: Record<string, { p50_ms: number; p95_ms: number }> = {};
  for (const days of [7, 30, 90]) steady[`days_${days}`] = await measure(() => getHistory(ctx, days));
  const today = localDate(ctx.clock.now());
  // Reading the whole of today, as a process does once a day (and as every request would without history-today.ts).
  const todayRead = await measure(() => computeDay(ctx, today));
  const daysBack = (n: number) => localDate(new Date(new Date().setDate(new Date().getDate() - n)).getTime());
  const scanSamples: number[] = [];
  for (let i = 0; i < 3; i++) scanSamples.push(await time(() => Array.from({ length: MAX_HISTORY_DAYS }, (_, d) => computeDay(ctx, daysBack(d)))));
  // A busy today: the latest 100,000 runs spread over today so far (rolled back afterwards), since
  // today is the one day computed from attempts (history-today.ts keeps it current).
  const BUSY_RUNS = 100_000;
  sqlite.exec("BEGIN");
  const midnight = new Date(new Date().setHours(0, 0, 0, 0)).getTime();
  sqlite
    .prepare(`UPDATE attempts SET finished_at = ? + (id * 7919) % ? WHERE id IN (SELECT id FROM attempts ORDER BY finished_at DESC LIMIT ${BUSY_RUNS})`)
    .run(midnight, Math.max(60_000, Date.now() - midnight));
  const busyFirst = round(await time(() => getHistory(ctx, 30)));
  const busyToday = await measure(() => getHistory(ctx, 30));
  sqlite.exec("ROLLBACK");
  const counts = sqlite
    .prepare(
      `SELECT (SELECT count(*) FROM batches) AS batches, (SELECT count(*) FROM jobs) AS jobs, (SELECT count(*) FROM attempts) AS attempts,
              (SELECT count(*) FROM attempts WHERE finished_at >= ?) AS attempts_last_90_days`,
    )
    .get(Date.now() - MAX_HISTORY_DAYS * 86_400_000);
  const runs90 = (await getHistory(ctx, 90)).data.reduce((sum, day) => sum + day.runs, 0);

  console.log(
    JSON.stringify({
      bench: "history",
      data: counts,
      iterations,
      first_request_ms: firstRequestMs,
      ...steady,
      today_whole_day_read: todayRead,
      busy_today_100k_runs_first_request_ms: busyFirst,
      busy_today_100k_runs_days_30: busyToday,
      without_rollup_90_days_ms: round(pct(scanSamples, 50)),
      runs_in_90_days: runs90,
      budget_ms: BUDGET_MS,
    }),
  );
  sqlite.close();
  // The budget is for the steady state; the first request after an upgrade is reported, not judged.
  if (Math.max(...[...Object.values(steady), busyToday].map((m) => m.p95_ms)) > BUDGET_MS) process.exitCode = 1;
}

void main();
