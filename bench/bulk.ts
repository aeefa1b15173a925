/**
 * `npx tsx bench/bulk.ts [--batches N]` — a bulk action over N batches (10,000 by default, 3 jobs
 * each) as POST /api/batches/bulk runs it: `retry` over a filter matching N failed batches, then
 * `pause` of the N batches that are now waiting, then `delete` of all of them. For each: total time,
 * transactions, the longest one (the longest the write lock was held), and the longest the event
 * loop went without a turn (a 1 ms timer's worst lateness), which is what the queue and other
 * requests would have waited. Prints one JSON object.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "@/db/client";
import { SYSTEM } from "@/features/batches/access";
import { runBulkAction } from "@/features/batches/bulk";
import { bulkBodySchema } from "@/features/batches/schemas";
import { parseConfig } from "@/features/shared/config";
import { createContext } from "@/features/shared/context";
import { seedDatabase } from "@/scripts/seed";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
};
const batches = Number(arg("batches") ?? 10_000);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-bench-bulk-"));
const db = openDatabase(path.join(dataDir, "db.sqlite"));
seedDatabase(db, { batches, filesPerBatch: 3, seed: 18, statuses: ["failed"], prefixes: ["BULK"] });
db.$client.close();
const ctx = createContext(parseConfig({ DATA_DIR: dataDir, LOG_LEVEL: "silent" }));

/** The worst lateness of a 1 ms timer while `work` runs. */
async function withLoopWatch<T>(work: () => Promise<T>): Promise<{ value: T; maxLoopBlockMs: number }> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 1);
    last = now;
  }, 1);
  try {
    return { value: await work(), maxLoopBlockMs: Math.round(worst * 10) / 10 };
  } finally {
    clearInterval(timer);
  }
}

async function measure(body: unknown) {
  const started = performance.now();
  const { value, maxLoopBlockMs } = await withLoopWatch(() => runBulkAction(ctx, bulkBodySchema.parse(body), SYSTEM));
  return {
    action: value.action,
    batches: value.total,
    done: value.done,
    seconds: Math.round((performance.now() - started) / 10) / 100,
    chunks: value.chunks,
    longest_chunk_ms: value.longest_chunk_ms,
    max_loop_block_ms: maxLoopBlockMs,
  };
}

async function main() {
  const results = [
    await measure({ action: "retry", filter: { has_failures: "true" } }),
    await measure({ action: "pause", filter: { customer_prefix: "BULK" } }),
    await measure({ action: "delete", filter: { customer_prefix: "BULK" } }),
  ];
  console.log(JSON.stringify({ bench: "bulk", batches, jobs: batches * 3, load: os.loadavg()[0], results }));
  ctx.db.$client.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

void main();
