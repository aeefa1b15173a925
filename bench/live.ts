/**
 * `NEXT_DIST_DIR=<build> npx tsx bench/live.ts [--connections N] [--seconds S] [--batches B]` —
 * what open GET /api/events connections cost the server while jobs run. The queue runs in a
 * separate `npm run worker` process (QUEUE_IN_SERVER=false), so the web server's CPU is HTTP and
 * the live feed alone, and the events come from another process as in production with a worker.
 * Two windows of S seconds with 3 jobs running throughout: none connected, then N (200) connected
 * and reading. Per window: the server's CPU (share of one core), RSS, GET /api/batches p50/p95
 * (one request every 100 ms), the fewest jobs seen running, and the jobs finished; per client, the
 * events received in the second window. Prints one JSON object.
 *
 * The work is B batches of 50 files x 3 pipelines, uploaded before the worker starts (the uploads'
 * CPU stays out of the windows). All but two are paused at once and resumed one at a time whenever
 * fewer than LOW_WATER jobs are left to claim, so the worker never runs dry however fast the host
 * is, and a window in which the queue did empty is an error rather than a quiet number. The server
 * and the worker each run in their own process group, signalled as a whole at the end (and on
 * Ctrl-C).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { fetchAs, SERVER_ENTRY, signIn } from "../e2e/auth";
import { sleep, startServer, type LoadServer } from "./load-lib";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
};
const CONNECTIONS = Number(arg("connections") ?? 200);
const SECONDS = Number(arg("seconds") ?? 15);
const BATCHES = Number(arg("batches") ?? 16);
const FILES_PER_BATCH = 50;
const PIPELINES = 3;
const JOBS_PER_BATCH = FILES_PER_BATCH * PIPELINES;
const WORKER_CONCURRENCY = 3;
/** Jobs left to claim below which the next paused batch is resumed: several seconds of work. */
const LOW_WATER = 2 * JOBS_PER_BATCH;
const TICKS_PER_S = 100;

function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/** Noise images (slow to encode), uploaded as `batches` batches through 3 pipelines; their ids, in order. */
async function uploadWork(server: LoadServer, batches: number): Promise<string[]> {
  const pipelines = ((await (await server.fetch("/api/pipelines")).json()) as { data: { id: string }[] }).data;
  if (pipelines.length < PIPELINES) throw new Error(`expected ${PIPELINES} pipelines, found ${pipelines.length}`);
  const images = await Promise.all(
    Array.from({ length: FILES_PER_BATCH }, (_, i) => sharp(randomBytes(1200 * 900 * 3), { raw: { width: 1200, height: 900, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer().then((png) => ({ png, i }))),
  );
  const ids: string[] = [];
  for (let b = 0; b < batches; b++) {
    const form = new FormData();
    for (const { png, i } of images) form.append("files", new Blob([new Uint8Array(png)], { type: "image/png" }), `LIVE_${b}_${i}.png`);
    for (const p of pipelines.slice(0, PIPELINES)) form.append("pipeline_id", p.id);
    const res = await server.fetch("/api/batches", { method: "POST", body: form });
    if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
    ids.push(((await res.json()) as { id: string }).id);
  }
  return ids;
}

async function post(server: LoadServer, pathname: string) {
  const res = await server.fetch(pathname, { method: "POST" });
  if (res.status !== 200) throw new Error(`${pathname} answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

interface Stats {
  queue: { running: number };
  last_24h: { completed: number; failed: number };
}
const readStats = async (server: LoadServer) => (await (await server.fetch("/api/batches/stats")).json()) as Stats;
const finishedJobs = (stats: Stats) => stats.last_24h.completed + stats.last_24h.failed;

/** Keeps work claimable: resumes the next paused batch when fewer than LOW_WATER jobs are left. */
class Feeder {
  private next: number;
  constructor(
    private readonly server: LoadServer,
    private readonly ids: string[],
    released: number,
  ) {
    this.next = released;
  }
  async top(stats: Stats) {
    while (this.next < this.ids.length && this.next * JOBS_PER_BATCH - finishedJobs(stats) < LOW_WATER) {
      await post(this.server, `/api/batches/${this.ids[this.next]}/resume`);
      this.next++;
    }
  }
  get resumed() {
    return this.next;
  }
}

/** One window: CPU and RSS of the server, list latency, running jobs seen, jobs finished. */
async function window(server: LoadServer, feeder: Feeder) {
  const latencies: number[] = [];
  const running: number[] = [];
  const before = await readStats(server);
  const ticks0 = cpuTicks(server.pid);
  const started = performance.now();
  let rssPeak = 0;
  while (performance.now() - started < SECONDS * 1000) {
    const t = performance.now();
    const res = await server.fetch("/api/batches?limit=50");
    await res.arrayBuffer();
    latencies.push(performance.now() - t);
    rssPeak = Math.max(rssPeak, rssMb(server.pid));
    if (latencies.length % 10 === 0) {
      const stats = await readStats(server);
      running.push(stats.queue.running);
      await feeder.top(stats);
    }
    await sleep(100);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = ((cpuTicks(server.pid) - ticks0) / TICKS_PER_S / seconds) * 100;
  const after = await readStats(server);
  running.push(after.queue.running);
  latencies.sort((a, b) => a - b);
  return {
    server_cpu_pct: round(cpu),
    server_rss_mb: round(rssPeak),
    list_p50_ms: round(pct(latencies, 50)),
    list_p95_ms: round(pct(latencies, 95)),
    list_requests: latencies.length,
    jobs_running_min: Math.min(...running),
    jobs_finished: finishedJobs(after) - finishedJobs(before),
  };
}

/**
 * The clients run in a child process of their own (`--clients-child`), so reading 200 streams does
 * not delay this process's timing of the list requests; they share the host's cores, as they would.
 * Messages: child -> {opened} (every client has its hello), parent -> "count" (start counting), "report" -> child -> {events, byType}.
 */
interface ClientsReport {
  events: number[];
  byType: Record<string, number>;
  /** Streams still open when asked: fewer than N means the server dropped or ended some. */
  open: number;
}

async function clientsChild() {
  const url = process.env.BENCH_URL!;
  const cookie = process.env.BENCH_COOKIE!;
  const n = Number(process.env.BENCH_CONNECTIONS);
  const events = new Array<number>(n).fill(0);
  const byType: Record<string, number> = {};
  let counting = false;
  let open = 0;
  let ended = 0;
  process.on("message", (message) => {
    if (message === "count") counting = true;
    if (message === "report") {
      counting = false;
      process.send!({ events, byType, open: n - ended } satisfies ClientsReport);
    }
  });
  process.on("disconnect", () => process.exit(0));
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const res = await fetchAs(cookie, `${url}/api/events`);
      if (res.status !== 200) throw new Error(`events answered ${res.status}`);
      let greeted = false;
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: "" }));
        if (done) return void ended++;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const type = /^event: (.+)$/m.exec(buffer.slice(0, end))?.[1];
          buffer = buffer.slice(end + 2);
          // Ready once its hello is in: counting starts after every client's first frames.
          if (type === "hello" && !greeted && (greeted = true) && ++open === n) process.send!({ opened: n });
          if (!type || !counting) continue;
          events[i]!++;
          byType[type] = (byType[type] ?? 0) + 1;
        }
      }
    }),
  );
}

/** Starts the clients' process (its own process group) and resolves once all N streams are open and greeted. */
async function openClients(server: LoadServer, n: number, started: (child: ChildProcess) => void) {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--clients-child"], {
    env: { ...process.env, BENCH_URL: server.url, BENCH_COOKIE: await signIn(server.url), BENCH_CONNECTIONS: String(n) },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    detached: true,
  });
  started(child);
  const message = <T>(match: (m: unknown) => m is T) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: unknown) => {
        if (!match(m)) return;
        child.off("message", onMessage);
        resolve(m);
      };
      child.on("message", onMessage);
      child.once("exit", (code, signal) => reject(new Error(`the clients' process exited (${code ?? signal})`)));
    });
  await message((m): m is { opened: number } => typeof m === "object" && m !== null && "opened" in m);
  return {
    count: () => child.send("count"),
    report: () => {
      const answer = message((m): m is ClientsReport => typeof m === "object" && m !== null && "events" in m);
      child.send("report");
      return answer;
    },
  };
}

/** `npm run worker` as the e2e suite starts it (e2e/live.spec.ts), on the server's DATA_DIR, in its own process group. */
function startWorker(dataDir: string): ChildProcess {
  const [command, ...args] = SERVER_ENTRY;
  return spawn(command, [...args.slice(0, -1), path.join(process.cwd(), "features", "worker-start.ts")], {
    env: { ...process.env, NODE_ENV: "production", DATA_DIR: dataDir, QUEUE_IN_SERVER: "false", THROTTLE: "off", LOG_LEVEL: "error", QUEUE_CONCURRENCY: String(WORKER_CONCURRENCY) },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;
const killGroup = (child: ChildProcess | undefined, signal: NodeJS.Signals) => {
  if (child?.pid && alive(child)) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  }
};

async function main() {
  const server = await startServer({ QUEUE_IN_SERVER: "false", THROTTLE: "off", LOG_LEVEL: "error" }, { detached: true });
  let worker: ChildProcess | undefined;
  let clients: ChildProcess | undefined;
  const interrupted = () => {
    killGroup(clients, "SIGKILL");
    killGroup(worker, "SIGKILL");
    killGroup(server.child, "SIGKILL");
    fs.rmSync(server.dataDir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    // No worker yet: every batch waits, and all but two are held back as the feeder's reserve.
    const ids = await uploadWork(server, BATCHES);
    for (const id of ids.slice(2)) await post(server, `/api/batches/${id}/pause`);
    const feeder = new Feeder(server, ids, 2);

    worker = startWorker(server.dataDir);
    const workerExited = new Promise<void>((resolve) => worker!.once("exit", () => resolve()));
    const deadline = Date.now() + 60_000;
    while ((await readStats(server)).queue.running < WORKER_CONCURRENCY) {
      if (!alive(worker)) throw new Error(`the worker exited (${worker.exitCode ?? worker.signalCode}) before running any job`);
      if (Date.now() > deadline) throw new Error("the worker did not start 3 jobs within 60 s");
      await sleep(200);
    }
    await sleep(2_000);

    const idle = await window(server, feeder);
    const opened = await openClients(server, CONNECTIONS, (child) => (clients = child));
    opened.count();
    const withClients = await window(server, feeder);
    const report = await opened.report();
    killGroup(clients, "SIGTERM");
    const received = [...report.events].sort((a, b) => a - b);

    const drained = [idle, withClients].filter((w) => w.jobs_running_min < WORKER_CONCURRENCY);
    if (drained.length) throw new Error(`fewer than ${WORKER_CONCURRENCY} jobs ran during a window (all ${feeder.resumed} of ${BATCHES} batches released): run with more --batches`);
    const perClient = (count: number) => round(count / CONNECTIONS);
    console.log(
      JSON.stringify({
        bench: "live",
        connections: CONNECTIONS,
        window_s: SECONDS,
        worker_concurrency: WORKER_CONCURRENCY,
        load_avg: round(os.loadavg()[0]!, 2),
        without_clients: idle,
        with_clients: withClients,
        server_cpu_overhead_pct: round(withClients.server_cpu_pct - idle.server_cpu_pct),
        server_rss_overhead_mb: round(withClients.server_rss_mb - idle.server_rss_mb),
        clients_open_at_end: report.open,
        events_per_client: { min: received[0], median: pct(received, 50), max: received.at(-1) },
        events_per_client_by_type: Object.fromEntries(Object.entries(report.byType).map(([type, count]) => [type, perClient(count)])),
        batches_released: feeder.resumed,
      }),
    );
    killGroup(worker, "SIGTERM");
    await workerExited;
  } finally {
    killGroup(clients, "SIGKILL");
    killGroup(worker, "SIGKILL");
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}

(process.argv.includes("--clients-child") ? clientsChild() : main()).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
