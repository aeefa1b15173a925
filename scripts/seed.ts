/**
 * `npm run seed -- --batches N --files-per-batch M [--pipelines P] [--seed S]`
 * Writes synthetic batches, files, jobs and attempts straight into DATA_DIR's database (demos and the
 * scale benchmark). The command loads everything in one transaction and builds the indexes after
 * the rows (db/bulk-load.ts), so a server on the same DATA_DIR cannot write until it is done: seed
 * before starting one. Counters and statuses are computed from the generated jobs, so they equal
 * what refreshBatch would derive.
 */
import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { ensureDefaultPipelines } from "@/features/pipelines/queries";
import { DEFAULT_PIPELINES } from "@/features/pipelines/schemas";
import { localDate } from "@/features/shared/clock";
import { openDatabase } from "@/db/client";
import { bulkLoad } from "@/db/bulk-load";
import { analyze, batchCounters, indexBatchesForSearch, insertRowsStatement, lastBatchRowid, livePipelineRows } from "@/db/seed-queries";
import { buildBatch, planBatch, rng, type PlanOptions, type SeedBatch, type SeedPipeline } from "./seed-rows";

export interface SeedOptions extends PlanOptions {
  batches: number;
  filesPerBatch: number;
  /** How many pipelines each file runs through (jobs per file). */
  pipelines?: number;
  seed?: number;
  now?: number;
  maxAttempts?: number;
  onProgress?: (done: number) => void;
  /**
   * The caller has the database to itself (the CLI, the list benchmark): one transaction with the
   * indexes built after the rows (db/bulk-load.ts). Without it rows go in 1,000-batch
   * transactions that a running server can interleave with.
   */
  bulk?: boolean;
}

const CHUNK = 1_000;

function seedPipelines(sqlite: Database.Database, db: ReturnType<typeof openDatabase>, count: number, now: number): SeedPipeline[] {
  ensureDefaultPipelines(db, DEFAULT_PIPELINES, now);
  const rows = livePipelineRows(sqlite);
  return rows.slice(0, Math.max(1, count)).map((p) => {
    const format = (JSON.parse(p.spec) as { format: string }).format;
    return { id: p.id, name: p.name, ext: format === "jpeg" ? "jpg" : format === "original" ? "jpg" : format };
  });
}

/** Seeds an open database; returns how many rows of each kind were written. */
export function seedDatabase(db: ReturnType<typeof openDatabase>, options: SeedOptions) {
  const sqlite = db.$client;
  const now = options.now ?? Date.now();
  const r = rng(options.seed ?? 42);
  const pipelines = seedPipelines(sqlite, db, options.pipelines ?? 1, now);
  const plans = Array.from({ length: options.batches }, () => planBatch(r, now, options.filesPerBatch, options));
  plans.sort((a, b) => a.createdAt - b.createdAt);

  const nextCounter = counterAllocator(sqlite);
  const writeChunk = chunkWriter(sqlite);
  const totals = { batches: 0, files: 0, jobs: 0, attempts: 0 };
  const writeAll = (commit: (chunk: SeedBatch[]) => void) => {
    for (let start = 0; start < plans.length; start += CHUNK) {
      const chunk = plans
        .slice(start, start + CHUNK)
        .map((plan) => buildBatch(r, plan, nextCounter(plan.prefix, localDate(plan.createdAt)), pipelines, options.maxAttempts ?? 4));
      commit(chunk);
      for (const b of chunk) {
        totals.batches += 1;
        totals.files += b.files.length;
        totals.jobs += b.jobs.length;
        totals.attempts += b.attempts.length;
      }
      options.onProgress?.(totals.batches);
    }
  };

  if (options.bulk) {
    let lastRowidBefore = 0;
    bulkLoad(sqlite, {
      tables: ["batches", "files", "jobs", "attempts"],
      triggers: SEARCH_TRIGGERS,
      load: () => {
        lastRowidBefore = lastBatchRowid(sqlite);
        writeAll(writeChunk);
      },
      replay: () => indexBatchesForSearch(sqlite, lastRowidBefore),
    });
  } else {
    const commit = sqlite.transaction(writeChunk);
    writeAll((chunk) => commit.immediate(chunk));
  }
  analyze(sqlite);
  return totals;
}

/** Numbers continue after the batches already in the database for the same prefix and day. */
function counterAllocator(sqlite: Database.Database) {
  const counters = batchCounters(sqlite);
  return (prefix: string, date: string) => {
    const key = `${prefix}|${date}`;
    const n = (counters.get(key) ?? 0) + 1;
    counters.set(key, n);
    return n;
  };
}

/** Inserts a chunk of generated batches with their files, jobs and attempts (the caller holds the transaction). */
function chunkWriter(sqlite: Database.Database) {
  let insertBatch: Database.Statement | undefined;
  let insertFile: Database.Statement | undefined;
  let insertJob: Database.Statement | undefined;
  let insertAttempt: Database.Statement | undefined;
  return (chunk: SeedBatch[]) => {
    for (const { batch, files, jobs, attempts } of chunk) {
      (insertBatch ??= insertRowsStatement(sqlite, "batches", Object.keys(batch))).run(batch);
      for (const f of files) (insertFile ??= insertRowsStatement(sqlite, "files", Object.keys(f))).run(f);
      for (const j of jobs) (insertJob ??= insertRowsStatement(sqlite, "jobs", Object.keys(j))).run(j);
      for (const a of attempts) (insertAttempt ??= insertRowsStatement(sqlite, "attempts", Object.keys(a))).run(a);
    }
  };
}

/**
 * The search triggers of migration 0002 rewrite a batch's search document once per file (an FTS
 * delete and insert each time), the costliest part of a large load. A bulk load takes them off and
 * writes each new batch's document once (indexBatchesForSearch), with the same text.
 */
const SEARCH_TRIGGERS = ["batch_search_insert", "batch_search_file_insert"];

function parseArgs(argv: string[]) {
  const value = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    if (i === -1) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} expects a whole number, got ${argv[i + 1]}`);
    return n;
  };
  return {
    batches: value("batches", 1_000),
    filesPerBatch: value("files-per-batch", 10),
    pipelines: value("pipelines", 1),
    seed: value("seed", Date.now() % 1_000_000),
  };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const dataDir = path.resolve(process.env.DATA_DIR ?? "./data");
  fs.mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(path.join(dataDir, "db.sqlite"));
  // Synthetic data: durability of the load does not matter, speed does.
  db.$client.pragma("synchronous = OFF");
  const started = performance.now();
  const totals = seedDatabase(db, {
    ...args,
    bulk: true,
    onProgress: (n) => {
      if (n % 10_000 === 0 || n === args.batches) process.stderr.write(`  ${n} / ${args.batches} batches\n`);
    },
  });
  db.$client.pragma("wal_checkpoint(TRUNCATE)");
  db.$client.close();
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  console.log(JSON.stringify({ data_dir: dataDir, ...totals, seconds }));
}

if (process.argv[1] && /seed\.ts$/.test(process.argv[1])) {
  try {
    main();
  } catch (error) {
    console.error(`seed: ${(error as Error).message}`);
    process.exit(1);
  }
}
