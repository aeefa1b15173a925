/**
 * The load driver shared by bench/load.ts and e2e/load.spec.ts: its own server (`npm start`'s entry)
 * on 127.0.0.1 and a fresh DATA_DIR, signed in as its admin, N uploaders and M dashboard pollers as
 * plain fetch loops (every request carries the session cookie, as a dashboard's would) for a
 * bounded time, per-endpoint latency/status counts, and the server's RSS, open fds and WAL size read
 * from /proc and DATA_DIR. The proof that nothing was lost is bench/load-verify.ts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { ADMIN_ENV, fetchAs, SERVER_ENTRY, signIn } from "../e2e/auth";
import { freePort } from "../e2e/ports";

export interface LoadServer {
  url: string;
  pid: number;
  dataDir: string;
  child: ChildProcess;
  /** fetch of a path on this server, signed in as its admin. */
  fetch(pathname: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * The server from the build in NEXT_DIST_DIR (inherited), with a rate limit no load run can reach.
 * `detached`: in its own process group, which stop() signals as a whole.
 */
export async function startServer(env: Record<string, string> = {}, options: { detached?: boolean } = {}): Promise<LoadServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-load-"));
  const port = await freePort();
  const [command, ...args] = SERVER_ENTRY;
  const child = spawn(command, args, {
    env: { ...process.env, ...ADMIN_ENV, DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: String(port), UPLOAD_RATE_LIMIT: "100000/hour", MAX_CONCURRENT_UPLOADS: "1000", PREVIEW_RATE_LIMIT: "off", LOG_LEVEL: "warn", NODE_ENV: "production", ...env },
    stdio: ["ignore", "ignore", "inherit"],
    detached: options.detached ?? false,
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      if (options.detached) process.kill(-child.pid!, "SIGTERM");
      else child.kill("SIGTERM");
    }
    await exited;
  };
  while (!(await fetch(`${url}/api/health`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not come up on ${url}`);
    }
    await sleep(250);
  }
  const cookie = await signIn(url).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url, pid: child.pid!, dataDir, child, fetch: (pathname, init) => fetchAs(cookie, `${url}${pathname}`, init), stop };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resource use of the server: its process and any children it forks. */
export interface ResourceSample {
  t_s: number;
  rss_mb: number;
  fds: number;
  wal_mb: number;
}

function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited while we looked
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

export function sampleResources(server: LoadServer, startedAt: number): ResourceSample {
  let rssKb = 0;
  let fds = 0;
  for (const pid of descendants(server.pid)) {
    try {
      rssKb += Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
      fds += fs.readdirSync(`/proc/${pid}/fd`).length;
    } catch {
      // gone
    }
  }
  const wal = fs.statSync(path.join(server.dataDir, "db.sqlite-wal"), { throwIfNoEntry: false })?.size ?? 0;
  return { t_s: round((Date.now() - startedAt) / 1000, 1), rss_mb: round(rssKb / 1024, 1), fds, wal_mb: round(wal / 2 ** 20, 2) };
}

/** One acknowledged upload: what the client sent and what the server answered. */
export interface Ack {
  batchId: string;
  files: { name: string; sha256: string }[];
}

export interface LoadOptions {
  durationS: number;
  uploaders: number;
  pollers: number;
  filesPerUpload: number;
  /** Pause after each upload / poll: uniform in [0, 2 x mean] ms, so clients do not march in step. */
  uploadPauseMs: number;
  pollPauseMs: number;
  /** How often RSS, fds and WAL size are sampled. */
  sampleEveryMs: number;
  /**
   * Pipeline editors asking for previews of a 20000 px spec one after another (at most the server's
   * two preview slots, so none is turned away busy), and gallery viewers opening a recent batch and
   * one of its thumbnails: image work beside the queue's.
   */
  previewers?: number;
  thumbnailViewers?: number;
}

/** A 20000 px spec on the 1200 x 800 sample: rendered scaled down to the preview box. */
const PREVIEW_BODY = JSON.stringify({ spec: { format: "webp", width: 20_000, quality: 80 }, sample: "landscape.jpg" });

export interface EndpointStats {
  count: number;
  requests_per_s: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  status_4xx: number;
  status_5xx: number;
  network_errors: number;
  /** p95 in each third of the run (first, middle, last): shows latency drifting as the data grows. */
  p95_by_third_ms: [number, number, number];
}

export interface LoadRun {
  duration_s: number;
  endpoints: Record<string, EndpointStats>;
  acks: Ack[];
  samples: ResourceSample[];
  /** A few 5xx / network error bodies, to say what went wrong. */
  failures: string[];
}

class Recorder {
  private readonly latencies = new Map<string, { at: number; ms: number }[]>();
  private readonly startedAt = Date.now();
  private readonly counts = new Map<string, { s4: number; s5: number; net: number }>();
  readonly failures: string[] = [];

  async time(endpoint: string, send: () => Promise<Response>): Promise<{ status: number; body: string } | undefined> {
    const started = performance.now();
    const counts = this.counts.get(endpoint) ?? { s4: 0, s5: 0, net: 0 };
    this.counts.set(endpoint, counts);
    try {
      const response = await send();
      const body = await response.text();
      this.push(endpoint, performance.now() - started);
      if (response.status >= 500) counts.s5++;
      else if (response.status >= 400) counts.s4++;
      if (response.status >= 400 && this.failures.length < 20) this.failures.push(`${endpoint} ${response.status} ${body.slice(0, 300)}`);
      return { status: response.status, body };
    } catch (error) {
      counts.net++;
      if (this.failures.length < 20) this.failures.push(`${endpoint} network error: ${String(error)}`);
      return undefined;
    }
  }

  private push(endpoint: string, ms: number) {
    const list = this.latencies.get(endpoint) ?? [];
    list.push({ at: Date.now() - this.startedAt, ms });
    this.latencies.set(endpoint, list);
  }

  report(durationS: number): Record<string, EndpointStats> {
    const out: Record<string, EndpointStats> = {};
    for (const [endpoint, c] of this.counts) {
      const timed = this.latencies.get(endpoint) ?? [];
      const sorted = timed.map((l) => l.ms).sort((a, b) => a - b);
      const count = sorted.length + c.net;
      const third = (i: number) =>
        percentile(timed.filter((l) => Math.min(2, Math.floor((l.at / 1000 / durationS) * 3)) === i).map((l) => l.ms).sort((a, b) => a - b), 95);
      out[endpoint] = {
        count,
        requests_per_s: round(count / durationS, 1),
        p50_ms: percentile(sorted, 50),
        p95_ms: percentile(sorted, 95),
        p99_ms: percentile(sorted, 99),
        max_ms: round(sorted.at(-1) ?? 0, 1),
        status_4xx: c.s4,
        status_5xx: c.s5,
        network_errors: c.net,
        p95_by_third_ms: [third(0), third(1), third(2)],
      };
    }
    return out;
  }
}

/** Runs uploaders and pollers until `durationS` has passed, then lets the requests in flight finish. */
export async function runLoad(server: LoadServer, options: LoadOptions): Promise<LoadRun> {
  const recorder = new Recorder();
  const acks: Ack[] = [];
  const samples: ResourceSample[] = [];
  const startedAt = Date.now();
  const endAt = startedAt + options.durationS * 1000;
  const jitter = (mean: number) => sleep(Math.random() * 2 * mean);
  samples.push(sampleResources(server, startedAt));
  const sampler = setInterval(() => samples.push(sampleResources(server, startedAt)), options.sampleEveryMs);

  const uploader = async (n: number) => {
    for (let seq = 1; Date.now() < endAt; seq++) {
      const files = await uploadFiles(`LOAD_U${String(n).padStart(2, "0")}`, seq, options.filesPerUpload);
      const form = new FormData();
      for (const f of files) form.append("files", new Blob([new Uint8Array(f.data)], { type: f.type }), f.name);
      form.append("priority", (["high", "normal", "low"] as const)[seq % 3]!);
      const answer = await recorder.time("POST /api/batches", () => server.fetch("/api/batches", { method: "POST", body: form }));
      if (answer?.status === 201) {
        acks.push({ batchId: (JSON.parse(answer.body) as { id: string }).id, files: files.map(({ name, sha256 }) => ({ name, sha256 })) });
      }
      await jitter(options.uploadPauseMs);
    }
  };
  const poller = async () => {
    const etags = new Map<string, string>();
    while (Date.now() < endAt) {
      const { endpoint, route } = dashboardRequest(acks);
      const headers: Record<string, string> = etags.has(route) ? { "if-none-match": etags.get(route)! } : {};
      await recorder.time(endpoint, async () => {
        const response = await server.fetch(route, { headers });
        const etag = response.headers.get("etag");
        if (etag) etags.set(route, etag);
        return response;
      });
      await jitter(options.pollPauseMs);
    }
  };

  const previewer = async () => {
    while (Date.now() < endAt) {
      await recorder.time("POST /api/pipelines/preview", () =>
        server.fetch("/api/pipelines/preview", { method: "POST", headers: { "content-type": "application/json" }, body: PREVIEW_BODY }),
      );
      await jitter(options.pollPauseMs);
    }
  };
  const thumbnailViewer = async () => {
    while (Date.now() < endAt) {
      const recent = acks.length === 0 ? undefined : acks[acks.length - 1 - Math.floor(Math.random() * Math.min(20, acks.length))];
      const detail = recent && (await recorder.time("GET /api/batches/:id", () => server.fetch(`/api/batches/${recent.batchId}`)));
      const jobs = detail?.status === 200 ? (JSON.parse(detail.body) as { jobs: { thumbnail_url: string }[] }).jobs : [];
      const job = jobs[Math.floor(Math.random() * jobs.length)];
      if (job) await recorder.time("GET /api/files/:id/thumbnail", () => server.fetch(job.thumbnail_url));
      await jitter(options.pollPauseMs);
    }
  };

  await Promise.all([
    ...Array.from({ length: options.uploaders }, (_, i) => uploader(i + 1)),
    ...Array.from({ length: options.pollers }, () => poller()),
    ...Array.from({ length: options.previewers ?? 0 }, () => previewer()),
    ...Array.from({ length: options.thumbnailViewers ?? 0 }, () => thumbnailViewer()),
  ]);
  clearInterval(sampler);
  samples.push(sampleResources(server, startedAt));
  const durationS = (Date.now() - startedAt) / 1000;
  return { duration_s: round(durationS, 1), endpoints: recorder.report(durationS), acks, samples, failures: recorder.failures };
}

/** Fresh, distinct images for every upload (noise, so every sha256 differs), PNG and JPEG. */
async function uploadFiles(prefix: string, seq: number, count: number) {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const width = 96 + Math.floor(Math.random() * 96);
      const height = 64 + Math.floor(Math.random() * 64);
      const image = sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } });
      const jpeg = (seq + i) % 2 === 0;
      const data = jpeg ? await image.jpeg({ quality: 80 }).toBuffer() : await image.png().toBuffer();
      const name = `${prefix}_${seq}_${i + 1}.${jpeg ? "jpg" : "png"}`;
      return { name, data, type: jpeg ? "image/jpeg" : "image/png", sha256: createHash("sha256").update(data).digest("hex") };
    }),
  );
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!, 1);
}

export const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * What a dashboard asks for, weighted like the page does: the list (with the filters, sorts and
 * searches people use), the stats header, an expanded batch, and the system page's health.
 */
const LIST_QUERIES = [
  "",
  "status=pending,processing",
  "status=completed,failed&sort_by=created_at&sort_order=desc",
  "customer_prefix=LOAD_U03",
  "priority=high&sort_by=priority",
  "q=LOAD_U1",
  "q=_7_",
  `date_from=${new Date().toISOString().slice(0, 10)}&sort_by=total_size&sort_order=asc`,
  "sort_by=progress&limit=20",
  "sort_by=base_directory_name&sort_order=asc&offset=50",
  "status=processing&sort_by=status&limit=100",
];

function dashboardRequest(acks: Ack[]): { endpoint: string; route: string } {
  const roll = Math.random();
  if (roll < 0.5) {
    const query = LIST_QUERIES[Math.floor(Math.random() * LIST_QUERIES.length)]!;
    return { endpoint: "GET /api/batches", route: `/api/batches${query ? `?${query}` : ""}` };
  }
  if (roll < 0.7) return { endpoint: "GET /api/batches/stats", route: "/api/batches/stats" };
  if (roll < 0.9 && acks.length > 0) {
    // Mostly recent batches (the ones still moving on a dashboard), sometimes any.
    const pick = Math.random() < 0.7 ? acks.length - 1 - Math.floor(Math.random() * Math.min(20, acks.length)) : Math.floor(Math.random() * acks.length);
    return { endpoint: "GET /api/batches/:id", route: `/api/batches/${acks[pick]!.batchId}` };
  }
  return { endpoint: "GET /api/health", route: "/api/health" };
}
