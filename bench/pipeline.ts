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
 * BENCH_THROTTLE (default on).
 * Photos: /usr/share/backgrounds (Debian: apt-get install -y gnome-backgrounds).
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { processImageJob } from "@/features/pipelines/processor";
import { addPipeline, createBatch, createTestContext } from "@/test/fixtures";
import type { PostResult } from "./multipart";
import { ADMIN_ENV, SERVER_ENTRY, signIn } from "../e2e/auth";
import { freePort } from "../e2e/ports";

const CONCURRENCY = 3;
/** The server's throttle (BENCH_THROTTLE=off to time the work alone on a host other processes keep busy). */
const THROTTLE = process.env.BENCH_THROTTLE ?? "on";
const SPEC = { format: "webp", width: 1600, height: 1600, fit: "inside", without_enlargement: true, quality: 80 } as const;
const PHOTO_EXT = /\.(jpe?g|png|webp|tiff?|avif)$/i;

function photos(dir: string, max: number): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (PHOTO_EXT.test(entry.name) && fs.statSync(full).size > 20_000) found.push(full);
    }
  };
  walk(dir);
  return found.sort().slice(0, max);
}

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

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
    const inputs = files.map((f) => ({ name: path.basename(f), data: fs.readFileSync(f), mime: `image/${path.extname(f).slice(1).replace("jpg", "jpeg")}` }));
    const { jobs } = createBatch(ctx, inputs, [pipelineId]);
    const started = performance.now();
    await pool(jobs, CONCURRENCY, async (job) => {
      await processImageJob({ job, attempt: 1, leaseToken: "bench" }, { ctx, signal: new AbortController().signal, reportProgress: () => undefined });
    });
    return performance.now() - started;
  } finally {
    ctx.cleanup();
  }
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server at ${url} did not come up`);
}

/** Headers that sign every request in: a session cookie or `Authorization: Bearer`. */
type Auth = Record<string, string>;

async function startServer(): Promise<{ base: string; child: ChildProcess; dataDir: string; auth: Auth }> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-pipeline-"));
  const [command, ...args] = SERVER_ENTRY;
  const child = spawn(command, args, {
    env: { ...process.env, ...ADMIN_ENV, DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "warn", UPLOAD_RATE_LIMIT: "off", MAX_FILE_SIZE_MB: "200", NODE_ENV: "production", THROTTLE: THROTTLE },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${base}/api/health`, 60_000);
    return { base, child, dataDir, auth: { cookie: await signIn(base) } };
  } catch (error) {
    child.kill("SIGTERM");
    throw error;
  }
}

async function createPipeline(base: string, auth: Auth): Promise<string> {
  const created = await fetch(`${base}/api/pipelines`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ name: `Bench WebP 1600 ${Date.now()}`, ...SPEC }),
  });
  if (created.status !== 201) throw new Error(`creating the pipeline answered ${created.status}: ${await created.text()}`);
  return ((await created.json()) as { id: string }).id;
}

/** The upload, from a client process of its own (bench/upload-client.ts). */
async function uploadFromClient(base: string, auth: Auth, files: string[], fields: Record<string, string>): Promise<PostResult> {
  const input = JSON.stringify({ base, files, fields, headers: auth });
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", path.join("bench", "upload-client.ts"), input], { maxBuffer: 64 * 1024 * 1024 });
  const result = JSON.parse(stdout.trim().split("\n").at(-1)!) as PostResult & { error?: string };
  if (result.error) throw new Error(`upload client: ${result.error}`);
  return result;
}

/**
 * Upload -> every job terminal, from the first byte the client sent to the batch's own
 * completed_at (the server's clock, the same machine's), so neither the poll interval nor the
 * polls' own cost blur it. Polls health meanwhile to see whether the throttle ever engaged.
 */
async function throughApp(base: string, auth: Auth, pipelineId: string, files: string[]): Promise<{ ms: number; uploadMs: number; afterLastByteMs: number; status: string; failed: number; throttled: boolean }> {
  const res = await uploadFromClient(base, auth, files, { pipeline_id: pipelineId, customer_prefix: "BENCH" });
  if (res.status !== 201) throw new Error(`POST /api/batches answered ${res.status}: ${res.body.slice(0, 300)}`);
  const batch = JSON.parse(res.body) as { id: string };
  let throttled = false;
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const health = (await (await fetch(`${base}/api/health`, { headers: auth })).json()) as { queue?: { throttled?: unknown } };
    throttled ||= Boolean(health.queue?.throttled);
    const detail = (await (await fetch(`${base}/api/batches/${batch.id}`, { headers: auth })).json()) as { status: string; failed_jobs: number; completed_at: string | null };
    if (["completed", "failed", "cancelled"].includes(detail.status) && detail.completed_at) {
      const completedAt = Date.parse(detail.completed_at);
      return { ms: completedAt - res.firstByteAt, uploadMs: res.lastByteAt - res.firstByteAt, afterLastByteMs: completedAt - res.lastByteAt, status: detail.status, failed: detail.failed_jobs, throttled };
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const dir = process.argv[2] ?? process.env.PHOTOS_DIR ?? "/usr/share/backgrounds";
  const files = photos(dir, Number(process.env.BENCH_MAX_FILES ?? 50));
  if (files.length === 0) throw new Error(`no photos under ${dir} (apt-get install -y gnome-backgrounds)`);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const inputBytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  const server = process.env.BENCH_URL ? undefined : await startServer();
  const base = process.env.BENCH_URL ?? server!.base;
  const auth: Auth = server ? server.auth : { authorization: `Bearer ${process.env.BENCH_TOKEN ?? ""}` };
  const samples = { bare: [] as number[], processor: [] as number[], app: [] as number[], upload: [] as number[], afterLastByte: [] as number[] };
  let throttleEngaged = false;
  let appError: string | undefined;
  let appOutcome = { status: "", failed: 0 };
  try {
    const pipelineId = await createPipeline(base, auth);
    // Warm up libvips, the page cache and the server (its first requests compile routes and JIT the
    // upload path) for every run alike: the product is a long-running server.
    await bareSharp(files.slice(0, 2));
    await throughApp(base, auth, pipelineId, files).catch(() => undefined);
    // Rounds interleave the three runs so load from other processes hits them alike; medians are reported.
    for (let round = 0; round < rounds; round++) {
      samples.bare.push(await bareSharp(files));
      samples.processor.push(await processorOnly(files));
      if (appError) continue;
      try {
        const app = await throughApp(base, auth, pipelineId, files);
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
