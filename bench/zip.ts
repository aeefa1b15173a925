/**
 * Batch ZIP benchmark (budget, docs/benchmarks.md: 1 GB of outputs, server RSS growth <= 100 MB,
 * first byte <= 300 ms). Seeds a temp DATA_DIR with one completed batch of random-byte outputs (incompressible,
 * like real JPEG/WebP), then measures:
 *  - server: `npm start`'s entry on 127.0.0.1 with that DATA_DIR, GET /api/batches/:id/download
 *    read with fetch, signed in as the admin; VmRSS of the server process tree sampled every 20 ms (growth over the warmed-up idle RSS);
 *  - in-process, writer against writer on the same plan: yazl (the product's streamZip) and jszip
 *    (generateNodeStream, streamFiles, STORE), each in a fresh child process sampling its own RSS.
 * Prints one JSON object. Needs a build: `NEXT_DIST_DIR=.next-ops npx next build`, then
 * `NEXT_DIST_DIR=.next-ops npx tsx bench/zip.ts`. Env: BENCH_ZIP_MB (default 1100), BENCH_ZIP_FILES
 * (default 110), BENCH_ZIP64=1 adds a 4.3 GB sparse output and checks the archive with `unzip -t`.
 */
import { execFileSync, spawn } from "node:child_process";
import { randomFillSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import JSZip from "jszip";
import { planBatchDownload } from "@/features/downloads/plan";
import { addPipeline, seedBatch } from "@/test/fixtures";
import { streamZip } from "@/features/downloads/zip-stream";
import { parseConfig } from "@/features/shared/config";
import { createContext } from "@/features/shared/context";
import { ADMIN_ENV, SERVER_ENTRY, signIn } from "../e2e/auth";
import { freePort } from "../e2e/ports";

const MB = 1024 * 1024;
const TOTAL_MB = Number(process.env.BENCH_ZIP_MB ?? 1100);
const FILES = Number(process.env.BENCH_ZIP_FILES ?? 110);
const ZIP64 = process.env.BENCH_ZIP64 === "1";

function contextFor(dataDir: string) {
  return createContext(parseConfig({ DATA_DIR: dataDir, LOG_LEVEL: "silent" }));
}

/** One completed batch whose outputs are random bytes, written 1 MB at a time (never all in memory). */
function seed(dataDir: string, name: string, files: number, bytesEach: number, sparseBytes = 0): string {
  const ctx = contextFor(dataDir);
  const p = addPipeline(ctx, `Bench ${name}`, "jpeg");
  const jobs = Array.from({ length: files }, (_, i) => ({ file: `${name}_${String(i + 1).padStart(4, "0")}.jpg`, pipelineId: p, output: Buffer.from("x"), ext: "jpg" }));
  if (sparseBytes) jobs.push({ file: `${name}_huge.jpg`, pipelineId: p, output: Buffer.from("x"), ext: "jpg" });
  const batch = seedBatch(ctx, { baseName: `${name}_2025-11-05_batch-1`, jobs });
  const chunk = Buffer.alloc(MB);
  for (const [i, job] of batch.jobs.entries()) {
    if (i === files) {
      fs.truncateSync(job.outputFile!, sparseBytes);
      continue;
    }
    const fd = fs.openSync(job.outputFile!, "w");
    for (let left = bytesEach; left > 0; left -= MB) fs.writeSync(fd, randomFillSync(chunk), 0, Math.min(MB, left));
    fs.closeSync(fd);
  }
  ctx.db.$client.prepare("UPDATE jobs SET output_size = ? WHERE batch_id = ?").run(bytesEach, batch.batchId);
  ctx.db.$client.close();
  return batch.batchId;
}

/** VmRSS of a process and its descendants, in bytes. */
function treeRss(root: number): number {
  const children = (pid: number): number[] => {
    try {
      return fs.readdirSync(`/proc/${pid}/task`).flatMap((t) => fs.readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      return [];
    }
  };
  let total = 0;
  for (const pid of [root, ...children(root)]) {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  }
  return total;
}

/** Reads a response body to the end (or into `sink`), timing the first byte; `cookie` signs it in. */
async function download(url: string, cookie: string, sink?: Writable) {
  const started = performance.now();
  const res = await fetch(url, { headers: { cookie } });
  if (!res.ok || !res.body) throw new Error(`download answered ${res.status}`);
  let firstByteMs = 0;
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    if (!bytes) firstByteMs = performance.now() - started;
    bytes += chunk.byteLength;
    if (sink && !sink.write(chunk)) await new Promise((resolve) => sink.once("drain", resolve));
  }
  const seconds = (performance.now() - started) / 1000;
  return { bytes, firstByteMs: Math.round(firstByteMs), seconds: Math.round(seconds * 100) / 100, mbPerS: Math.round(bytes / MB / seconds) };
}

async function serverRun(dataDir: string, warmBatch: string, bigBatch: string, zip64Batch?: string) {
  const port = await freePort();
  const [command, ...args] = SERVER_ENTRY;
  const server = spawn(command, args, {
    env: { ...process.env, ...ADMIN_ENV, DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "warn", NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if ((await fetch(`${base}/api/health`).catch(() => undefined))?.ok) break;
      if (i > 600) throw new Error("server did not start");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const cookie = await signIn(base);
    await download(`${base}/api/batches/${warmBatch}/download`, cookie); // loads the route, warms the JIT
    const idleRss = treeRss(server.pid!);
    let peakRss = idleRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, treeRss(server.pid!))), 20);
    const result = await download(`${base}/api/batches/${bigBatch}/download`, cookie);
    clearInterval(sampler);
    const out = { ...result, idleRssMb: Math.round(idleRss / MB), rssGrowthMb: Math.round((peakRss - idleRss) / MB) };
    return zip64Batch ? { ...out, zip64: await zip64Check(`${base}/api/batches/${zip64Batch}/download`, cookie) } : out;
  } finally {
    server.kill("SIGTERM");
  }
}

/** Writes the > 4 GB archive to disk and lets Info-ZIP judge it. */
async function zip64Check(url: string, cookie: string) {
  const file = path.join(os.tmpdir(), `batchyard-zip64-${process.pid}.zip`);
  try {
    const sink = fs.createWriteStream(file);
    const result = await download(url, cookie, sink);
    await new Promise((resolve) => sink.end(resolve));
    return { ...result, unzipTest: unzipVerdict(file) };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** Child mode: build the archive in this process with one writer, into a counting sink (or a file, then `unzip -t`). */
async function child(writer: "yazl" | "jszip", dataDir: string, batchId: string, outFile?: string) {
  const ctx = contextFor(dataDir);
  const plan = await planBatchDownload(ctx, batchId);
  ctx.db.$client.close();
  global.gc?.();
  const idleRss = process.memoryUsage().rss;
  let peakRss = idleRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  let bytes = 0;
  let firstByteMs = 0;
  const started = performance.now();
  const file = outFile ? fs.createWriteStream(outFile) : undefined;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!bytes) firstByteMs = performance.now() - started;
      bytes += chunk.length;
      if (file) file.write(chunk, done);
      else done();
    },
    final(done) {
      if (file) file.end(done);
      else done();
    },
  });
  if (writer === "yazl") {
    await pipeline(streamZip(plan, ctx.log).stream as unknown as NodeJS.ReadableStream, sink);
  } else {
    const zip = new JSZip();
    zip.file(plan.manifestPath, plan.manifest);
    for (const entry of plan.entries) zip.file(entry.path, fs.createReadStream(entry.file), { binary: true });
    await pipeline(zip.generateNodeStream({ streamFiles: true, compression: "STORE" }), sink);
  }
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  const result = { writer, bytes, firstByteMs: Math.round(firstByteMs), seconds: Math.round(seconds * 100) / 100, mbPerS: Math.round(bytes / MB / seconds), rssGrowthMb: Math.round((peakRss - idleRss) / MB) };
  console.log(JSON.stringify(outFile ? { ...result, unzipTest: unzipVerdict(outFile) } : result));
}

function unzipVerdict(file: string): string {
  try {
    const out = execFileSync("unzip", ["-t", file], { encoding: "utf8", maxBuffer: 16 * MB, stdio: ["ignore", "pipe", "pipe"] });
    return /No errors detected/.test(out) ? "ok" : out.slice(-300);
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return `failed: ${`${e.stdout ?? ""}${e.stderr ?? ""}`.trim().split("\n").slice(0, 3).join(" | ")}`;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

function inChild(writer: string, dataDir: string, batchId: string, outFile?: string): Record<string, unknown> {
  const args = ["--import", "tsx", "--expose-gc", __filename, "--child", writer, dataDir, batchId, ...(outFile ? [outFile] : [])];
  const out = execFileSync(process.execPath, args, { encoding: "utf8", maxBuffer: 16 * MB });
  return JSON.parse(out.trim().split("\n").pop()!);
}

async function main() {
  if (process.argv[2] === "--child") return child(process.argv[3] as "yazl" | "jszip", process.argv[4]!, process.argv[5]!, process.argv[6]);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-bench-zip-"));
  try {
    const bytesEach = Math.ceil((TOTAL_MB * MB) / FILES);
    const warm = seed(dataDir, "WARM", 3, 64 * 1024);
    const big = seed(dataDir, "BENCH", FILES, bytesEach);
    const huge = ZIP64 ? seed(dataDir, "ZIPSF", 1, MB, Math.round(4.3 * 1024 * MB)) : undefined;
    const server = await serverRun(dataDir, warm, big, huge);
    const yazl = inChild("yazl", dataDir, big);
    const jszip = inChild("jszip", dataDir, big);
    // jszip writes no ZIP64 records: past 4 GB its archive is broken; shown, not assumed.
    const jszipOver4Gb = huge ? inChild("jszip", dataDir, huge, path.join(os.tmpdir(), `batchyard-jszip64-${process.pid}.zip`)) : undefined;
    console.log(JSON.stringify({
      bench: "zip", outputs_mb: Math.round((bytesEach * FILES) / MB), files: FILES, cpus: os.cpus().length,
      budget: { rss_growth_mb: 100, first_byte_ms: 300 }, server_yazl: server, in_process: { yazl, jszip, ...(jszipOver4Gb && { jszip_over_4gb: jszipOver4Gb }) },
    }, null, 2));
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
