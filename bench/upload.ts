/**
 * Upload benchmark: 10 x 45 MB real images in ONE multipart request, signed in as the admin, to a
 * server (`npm start`'s entry) this script launches (127.0.0.1, temp DATA_DIR, high rate limit,
 * MAX_FILE_SIZE_MB=50, queue off so only the upload is measured). Reports MB/s and the server's peak RSS growth (VmRSS of the server process
 * and its children, sampled every 20 ms) against the 100 MB budget, as one JSON object.
 *
 * Needs a build: `NEXT_DIST_DIR=.next-<area> npx next build`, then
 * `NEXT_DIST_DIR=.next-<area> npx tsx bench/upload.ts`. Env: BENCH_ROUNDS (default 3).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { postFiles } from "./multipart";
import { ADMIN_ENV, SERVER_ENTRY, signIn } from "../e2e/auth";
import { freePort } from "../e2e/ports";

const FILES = 10;
const WIDTH = 4096;
const HEIGHT = 3840; // 4096 x 3840 x 3 bytes of noise = 45 MiB of PNG (stored, incompressible)
const BUDGET_MB = 100;
const MB = 1024 * 1024;

/** Noise PNGs, made once and kept in the OS temp folder for later runs. */
async function inputs(): Promise<string[]> {
  const dir = path.join(os.tmpdir(), "batchyard-bench-upload-inputs");
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < FILES; i++) {
    const file = path.join(dir, `BENCH_UP_${String(i + 1).padStart(2, "0")}.png`);
    if (!fs.existsSync(file)) {
      const raw = randomBytes(WIDTH * HEIGHT * 3);
      await sharp(raw, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).png({ compressionLevel: 0 }).toFile(`${file}.tmp`);
      fs.renameSync(`${file}.tmp`, file);
    }
    files.push(file);
  }
  return files;
}

/** VmRSS of a process and all its descendants, in bytes. */
function treeRss(root: number): number {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // the process exited while we looked
    }
  }
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) if (tree.has(ppid) && !tree.has(pid)) grew = tree.add(pid) !== undefined;
  }
  let total = 0;
  for (const pid of tree) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      if (match) total += Number(match[1]) * 1024;
    } catch {
      // gone
    }
  }
  return total;
}

async function startServer(port: number, dataDir: string): Promise<ChildProcess> {
  const [command, ...args] = SERVER_ENTRY;
  const child = spawn(command, args, {
    env: { ...process.env, ...ADMIN_ENV, NODE_ENV: "production", DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: String(port), UPLOAD_RATE_LIMIT: "1000/hour", MAX_FILE_SIZE_MB: "50", QUEUE_IN_SERVER: "false", LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGTERM");
  throw new Error("the server did not become healthy in 60 s");
}

async function main() {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const files = await inputs();
  const totalBytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-bench-upload-"));
  const port = await freePort();
  const server = await startServer(port, dataDir);
  const results = [];
  try {
    const signedIn = { cookie: await signIn(`http://127.0.0.1:${port}`) };
    // Warm-up: load the route and its modules so the baseline includes them.
    const warm = await postFiles(`http://127.0.0.1:${port}`, [files[0]!], {}, signedIn);
    if (warm.status !== 201) throw new Error(`warm-up upload answered ${warm.status}: ${warm.body}`);
    for (let round = 1; round <= rounds; round++) {
      await new Promise((r) => setTimeout(r, 500));
      const baseline = treeRss(server.pid!);
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, treeRss(server.pid!))), 20);
      const started = performance.now();
      const res = await postFiles(`http://127.0.0.1:${port}`, files, { customer_prefix: "BENCH" }, signedIn);
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      peak = Math.max(peak, treeRss(server.pid!));
      if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${res.body.slice(0, 300)}`);
      results.push({
        round,
        seconds: Number(seconds.toFixed(2)),
        mb_per_s: Number((totalBytes / MB / seconds).toFixed(1)),
        rss_baseline_mb: Number((baseline / MB).toFixed(1)),
        rss_peak_mb: Number((peak / MB).toFixed(1)),
        rss_growth_mb: Number(((peak - baseline) / MB).toFixed(1)),
      });
    }
  } finally {
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const worstGrowth = Math.max(...results.map((r) => r.rss_growth_mb));
  console.log(
    JSON.stringify({
      bench: "upload",
      files: FILES,
      file_mb: Number((totalBytes / FILES / MB).toFixed(1)),
      total_mb: Number((totalBytes / MB).toFixed(1)),
      rounds: results,
      median_mb_per_s: results.map((r) => r.mb_per_s).sort((a, b) => a - b)[Math.floor(results.length / 2)],
      max_rss_growth_mb: worstGrowth,
      budget_rss_growth_mb: BUDGET_MB,
      within_budget: worstGrowth <= BUDGET_MB,
      note: "one request of 10 files; server on 127.0.0.1 with the queue off; machine shared (2 cores), numbers are noisy",
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
