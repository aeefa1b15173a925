/**
 * Image throughput end to end vs a bare sharp script (budget: app >= 0.9 x bare sharp; docs/benchmarks.md).
 *
 * The same folder of real photos goes (a) through a running Batchyard: POST /api/batches with a
 * 1600 px WebP pipeline, polling until the batch completes, and (b) through a bare sharp loop doing
 * the same resize + encode at the same concurrency (3). The app is timed as a user sees it: from
 * the first byte of the upload, sent by a client in its own process (bench/upload-client.ts), to
 * the batch's completed_at, with the host throttle on (it must never engage on an idle host; the
 * result says whether it did). Prints one JSON object.
 *
 *   npx tsx bench/pipeline.ts [photo folder]
 * Env: BENCH_URL (use a running server, with BENCH_TOKEN an admin API token for it; otherwise one is
 * started with `npm start`'s entry on a temp DATA_DIR from the build in NEXT_DIST_DIR, and the
 * script signs in as its admin), BENCH_MAX_FILES (default 50), PHOTOS_DIR, BENCH_ROUNDS (default 3),
 * BENCH_THROTTLE (default on), BENCH_UPLOAD (default: fields and file_count before the files, as the
 * upload page sends them, so files are processed as they arrive; `whole` sends the fields last).
 * Photos: /usr/share/backgrounds (Debian: apt-get install -y gnome-backgrounds).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { addPipeline, createTestContext } from "@/test/fixtures";
import { createPipeline, startServer, throughApp, type Auth } from "./app-run";
import { benchPhotos, median, pool, processFiles } from "./photos";

const CONCURRENCY = 3;
/** The server's throttle (BENCH_THROTTLE=off to time the work alone on a host other processes keep busy). */
const THROTTLE = process.env.BENCH_THROTTLE ?? "on";
const SPEC = { format: "webp", width: 1600, height: 1600, fit: "inside", without_enlargement: true, quality: 80 } as const;
/** The upload as the upload page sends it (fields and file_count first: processed as it arrives), or BENCH_UPLOAD=whole. */
const UPLOAD = { fieldsFirst: process.env.BENCH_UPLOAD !== "whole" };


/** What anyone would write: default sharp settings, the same operations, three at a time. */
async function bareSharp(files: string[]): Promise<number> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-bare-"));
  const started = performance.now();
  await pool(files, CONCURRENCY, async (file) => {
    await sharp(file)
      .rotate()
      .resize({ width: SPEC.width, height: SPEC.height, fit: SPEC.fit, withoutEnlargement: true })
      // The pipeline's default colour policy: convert to sRGB and embed it.
      .withIccProfile("srgb")
      .webp({ quality: SPEC.quality })
      .toFile(path.join(out, `${path.basename(file)}.webp`));
  });
  const ms = performance.now() - started;
  fs.rmSync(out, { recursive: true, force: true });
  return ms;
}

/**
 * The processor alone, in this process, on a throwaway DATA_DIR: the app's image work (processor,
 * thumbnails, fsync + rename) without HTTP and queue. Tells processor cost from queue/upload cost.
 */
async function processorOnly(files: string[]): Promise<number> {
  const ctx = createTestContext({ QUEUE_CONCURRENCY: String(CONCURRENCY) });
  try {
    const pipelineId = addPipeline(ctx, { name: "bench", ...SPEC });
    return await processFiles(ctx, files, pipelineId, CONCURRENCY);
  } finally {
    ctx.cleanup();
  }
}

async function main(): Promise<void> {
  const { dir, files } = benchPhotos();
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const inputBytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  const server = process.env.BENCH_URL ? undefined : await startServer(THROTTLE);
  const base = process.env.BENCH_URL ?? server!.base;
  const auth: Auth = server ? server.auth : { authorization: `Bearer ${process.env.BENCH_TOKEN ?? ""}` };
  const samples = { bare: [] as number[], processor: [] as number[], app: [] as number[], upload: [] as number[], afterLastByte: [] as number[] };
  let throttleEngaged = false;
  let appError: string | undefined;
  let appOutcome = { status: "", failed: 0 };
  try {
    const pipelineId = await createPipeline(base, auth, SPEC);
    // Warm up libvips, the page cache and the server (its first requests compile routes and JIT the
    // upload path) for every run alike: the product is a long-running server.
    await bareSharp(files.slice(0, 2));
    await throughApp(base, auth, pipelineId, files, UPLOAD).catch(() => undefined);
    // Rounds interleave the three runs so load from other processes hits them alike; medians are reported.
    for (let round = 0; round < rounds; round++) {
      samples.bare.push(await bareSharp(files));
      samples.processor.push(await processorOnly(files));
      if (appError) continue;
      try {
        const app = await throughApp(base, auth, pipelineId, files, UPLOAD);
        samples.app.push(app.ms);
        samples.upload.push(app.uploadMs);
        samples.afterLastByte.push(app.afterLastByteMs);
        throttleEngaged ||= app.throttled;
        if (app.status !== "completed" || app.failed > 0) appOutcome = app;
        else if (!appOutcome.status) appOutcome = app;
      } catch (error) {
        appError = error instanceof Error ? error.message : String(error);
      }
    }
  } finally {
    server?.child.kill("SIGTERM");
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
  const rate = (ms: number) => Math.round((files.length / ms) * 1e5) / 100;
  const ratio = (ms: number) => Math.round((median(samples.bare) / ms) * 1000) / 1000;
  const summary = (xs: number[]) => ({ ms: Math.round(median(xs)), files_per_s: rate(median(xs)), runs_ms: xs.map(Math.round) });
  const result = {
    bench: "pipeline",
    photos: dir,
    files: files.length,
    input_mb: Math.round((inputBytes / 1048576) * 10) / 10,
    concurrency: CONCURRENCY,
    rounds,
    spec: SPEC,
    cpus: os.availableParallelism(),
    bare_sharp: summary(samples.bare),
    processor_only: { ...summary(samples.processor), ratio: ratio(median(samples.processor)) },
    app: appError
      ? { error: appError }
      : {
          ...summary(samples.app),
          measured_from: "first upload byte (client process) to batch completed_at",
          upload: UPLOAD.fieldsFirst ? "fields and file_count first: processed as it arrives" : "fields after the files: processed once whole",
          upload_ms: Math.round(median(samples.upload)),
          upload_runs_ms: samples.upload.map(Math.round),
          after_last_byte_ms: Math.round(median(samples.afterLastByte)),
          status: appOutcome.status,
          failed_jobs: appOutcome.failed,
          throttle: THROTTLE,
          throttle_engaged: throttleEngaged,
        },
    ratio: appError ? null : ratio(median(samples.app)),
    budget: 0.9,
    pass: !appError && ratio(median(samples.app)) >= 0.9 && appOutcome.status === "completed" && appOutcome.failed === 0,
  };
  console.log(JSON.stringify(result));
  if (appError) process.exitCode = 2;
}

main().catch((error: unknown) => {
  console.log(JSON.stringify({ bench: "pipeline", error: error instanceof Error ? error.message : String(error) }));
  process.exitCode = 1;
});
