import { createHash, randomInt, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "@/db/client";
import { batches, files, jobs, type FileRow, type JobRow, type PRIORITY_RANK } from "@/db/schema";
import { ensureDefaultPipelines, insertPipeline } from "@/features/pipelines/queries";
import { DEFAULT_PIPELINES, type PipelineSpecInput } from "@/features/pipelines/schemas";
import { refreshBatch } from "@/features/queue/batch-status";
import { newJobRow } from "@/features/queue/enqueue";
import { manualClock } from "@/features/shared/clock";
import { parseConfig } from "@/features/shared/config";
import { createContext, type AppContext } from "@/features/shared/context";
import { createLogger } from "@/features/shared/logger";

/**
 * The one fixture builder: a fresh DATA_DIR with a database made by the real migrations, and
 * pipelines and batches written the way the app writes them (a batch, its files and its jobs in one
 * IMMEDIATE transaction, counters from refreshBatch, inputs content-addressed, outputs at
 * outputs/<batch id>/<job id>.<ext>). Client names go in verbatim, hostile ones included.
 */

export type TestContext = AppContext & {
  clock: ReturnType<typeof manualClock>;
  /** Closes the database and removes the temp DATA_DIR; call it from afterEach. */
  cleanup: () => void;
};

/** A fresh DATA_DIR in the OS temp folder; `env` sets configuration exactly as the server reads it. */
export function createTestContext(env: Record<string, string> = {}): TestContext {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-test-"));
  const config = parseConfig({ LOG_LEVEL: "silent", UPLOAD_RATE_LIMIT: "off", ...env, DATA_DIR: dataDir });
  const clock = manualClock();
  const ctx = createContext(config, {
    db: openDatabase(path.join(dataDir, "db.sqlite")),
    clock,
    log: createLogger(config.LOG_LEVEL),
    workerId: `test-worker-${process.pid}`,
  });
  return {
    ...ctx,
    clock,
    cleanup: () => {
      ctx.db.$client.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A pipeline from a full spec, or by name with an output format. */
export function addPipeline(ctx: AppContext, spec: PipelineSpecInput | string, format: "jpeg" | "png" | "webp" = "png"): string {
  const input = typeof spec === "string" ? { name: spec, format } : spec;
  return insertPipeline(ctx.db, input, ctx.clock.now()).id;
}

/** The ids of the first `count` default pipelines (created if the database has none yet). */
export function pipelineIds(ctx: AppContext, count = 1): string[] {
  ensureDefaultPipelines(ctx.db, DEFAULT_PIPELINES, ctx.clock.now());
  const rows = ctx.db.$client.prepare("SELECT id FROM pipelines ORDER BY created_at, id LIMIT ?").all(count) as { id: string }[];
  if (rows.length < count) throw new Error(`only ${rows.length} default pipelines`);
  return rows.map((r) => r.id);
}

/** An input. Without bytes nothing is stored and the row says 100 bytes (queue tests never read inputs). */
export interface BatchFile {
  name: string;
  data?: Buffer;
  mime?: string;
  safeName?: string;
  /** The file's place in a dropped folder (`shoot/day1/a.png`); none by default. */
  relativePath?: string;
}

/** An input with its bytes, as the image tests upload them. */
export type FixtureFile = BatchFile & { data: Buffer };

/** One job; pending unless it has a status or an output (then completed, with the bytes on disk). */
export interface SeedJob {
  file: string;
  pipelineId: string;
  status?: JobRow["status"];
  output?: Buffer;
  /** Extension of the stored output; defaults to the pipeline-independent `png`. */
  ext?: string;
  /** Output name as the processor recorded it; defaults to the input's stem + ext. */
  outputName?: string;
  error?: string;
}

export interface BatchSpec {
  batchId?: string;
  files: BatchFile[];
  jobs: SeedJob[];
  prefix?: string;
  baseName?: (batchId: string, counter: number) => string;
  priority?: keyof typeof PRIORITY_RANK;
  pinned?: boolean;
}

export type FixtureJob = JobRow & { outputFile?: string };

// Fixture batches share prefix and date, so their counters must not repeat even across processes:
// the e2e suites insert into one server's database from every Playwright worker, and a worker
// restarted after a failure starts this module again.
let counter = randomInt(1, 1_000_000_000);

/** The builder every batch fixture goes through. */
export function insertBatch(ctx: AppContext, spec: BatchSpec) {
  const now = ctx.clock.now();
  const batchId = spec.batchId ?? randomUUID();
  const prefix = spec.prefix ?? "TEST";
  const batchCounter = ++counter;
  const baseName = spec.baseName?.(batchId, batchCounter) ?? `${prefix}_2025-11-05_batch-${batchId.slice(0, 8)}`;
  const fileRows = spec.files.map((file) => fileRow(ctx, batchId, file, now));
  const byName = new Map(fileRows.map((row) => [row.originalName, row]));
  const jobRows = spec.jobs.map((job) => jobRow(ctx, batchId, byName.get(job.file)!.id, job, spec.priority ?? "normal", now));
  ctx.db.transaction(
    (tx) => {
      tx.insert(batches)
        .values({
          id: batchId, customerPrefix: prefix, batchDate: "2025-11-05", batchCounter, baseDirectoryName: baseName,
          priority: spec.priority ?? "normal", totalFiles: fileRows.length, totalSize: fileRows.reduce((n, f) => n + f.size, 0),
          pinned: spec.pinned ?? false, createdAt: now, updatedAt: now,
        })
        .run();
      if (fileRows.length) tx.insert(files).values(fileRows).run();
      if (jobRows.length) tx.insert(jobs).values(jobRows.map(({ outputFile: _, ...row }) => row)).run();
      refreshBatch(ctx.db.$client, batchId, now);
    },
    { behavior: "immediate" },
  );
  return { batchId, baseName, files: fileRows, jobs: jobRows };
}

function fileRow(ctx: AppContext, batchId: string, file: BatchFile, now: number): FileRow {
  const sha256 = file.data ? createHash("sha256").update(file.data).digest("hex") : "0".repeat(64);
  if (file.data) fs.writeFileSync(path.join(ctx.paths.inputs, sha256), file.data);
  return {
    id: randomUUID(), batchId, originalName: file.name, safeName: file.safeName ?? file.name, mime: file.mime ?? "image/png",
    size: file.data?.length ?? 100, sha256, storageKey: `inputs/${sha256}`, width: null, height: null, createdAt: now,
    relativePath: file.relativePath ?? null,
  };
}

function jobRow(ctx: AppContext, batchId: string, fileId: string, job: SeedJob, priority: BatchSpec["priority"] & string, now: number): FixtureJob {
  const row: FixtureJob = newJobRow({ batchId, fileId, pipelineId: job.pipelineId, priority }, ctx.config, now);
  row.status = job.status ?? (job.output ? "completed" : "pending");
  if (row.status === "failed") Object.assign(row, { errorCode: "processing_failed", errorMessage: job.error ?? "failed", completedAt: now });
  if (job.output) {
    const ext = job.ext ?? "png";
    row.outputKey = `outputs/${batchId}/${row.id}.${ext}`;
    row.outputName = job.outputName ?? `${job.file.replace(/\.[^.]*$/, "")}.${ext}`;
    row.outputSize = job.output.length;
    Object.assign(row, { outputWidth: 8, outputHeight: 6, completedAt: now, progress: 1 });
    row.outputFile = path.join(ctx.paths.root, row.outputKey);
    fs.mkdirSync(path.dirname(row.outputFile), { recursive: true });
    fs.writeFileSync(row.outputFile, job.output);
  }
  return row;
}

/** Queue tests: `files` x `pipelines` pending jobs of the default pipelines, without input bytes. */
export interface BatchFixture {
  files?: number | string[];
  pipelines?: number;
  priority?: keyof typeof PRIORITY_RANK;
}

/** Returns the job ids in creation order. */
export function addBatch(ctx: AppContext, fixture: BatchFixture = {}): { batchId: string; jobIds: string[] } {
  const names = typeof fixture.files === "object" ? fixture.files : Array.from({ length: fixture.files ?? 1 }, (_, i) => `photo-${i + 1}.png`);
  const pipelines = pipelineIds(ctx, fixture.pipelines ?? 1);
  const { batchId, jobs } = insertBatch(ctx, {
    prefix: "QUEUE",
    baseName: (id, n) => `QUEUE_2025-11-05_batch-${n}-${id.slice(0, 8)}`,
    priority: fixture.priority,
    files: names.map((name) => ({ name })),
    jobs: names.flatMap((file) => pipelines.map((pipelineId) => ({ file, pipelineId }))),
  });
  return { batchId, jobIds: jobs.map((j) => j.id) };
}

/** Image tests: the given inputs stored under inputs/, one pending job per file x pipeline. */
export function createBatch(ctx: AppContext, inputs: FixtureFile[], pipelines: string[]) {
  const { batchId, files, jobs } = insertBatch(ctx, {
    files: inputs,
    jobs: inputs.flatMap((input) => pipelines.map((pipelineId) => ({ file: input.name, pipelineId }))),
  });
  return { batchId, files, jobs };
}

/** Download and maintenance tests: jobs in any state; each distinct file is one input (its name as bytes unless `input` says). */
export function seedBatch(
  ctx: AppContext,
  spec: { jobs: SeedJob[]; baseName?: string; pinned?: boolean; input?: (name: string) => Buffer },
): { batchId: string; baseName: string; jobs: FixtureJob[] } {
  const batchId = randomUUID();
  const names = [...new Set(spec.jobs.map((j) => j.file))];
  const { baseName, jobs } = insertBatch(ctx, {
    batchId,
    baseName: spec.baseName === undefined ? undefined : () => spec.baseName!,
    pinned: spec.pinned,
    files: names.map((name, i) => ({
      name,
      data: spec.input?.(name) ?? Buffer.from(`input ${batchId} ${name}`),
      safeName: `${i}-${name}`.slice(0, 180),
    })),
    jobs: spec.jobs,
  });
  return { batchId, baseName, jobs };
}
