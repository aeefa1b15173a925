/**
 * Image work against file I/O (`npm run bench:threads`; needs a build in NEXT_DIST_DIR). sharp runs
 * each image operation on a libuv pool thread for its whole duration, and uploads (tmp/ writes) and
 * downloads (output reads) use the same pool. This starts the real server once per pool size, keeps
 * three jobs running on large images, requests ten previews of a 20000 px spec over and over, and
 * times small uploads, output downloads and /api/health meanwhile, against a quiet baseline.
 * Prints JSON; docs/benchmarks.md keeps the figures.
 */
import { randomBytes } from "node:crypto";
import sharp from "sharp";
import { createRequire } from "node:module";
import { percentile, round, sleep, startServer, type LoadServer } from "./load-lib";

const { poolSizeFor } = createRequire(import.meta.url)("../features/threadpool.cjs") as { poolSizeFor: (env: NodeJS.ProcessEnv) => number };

/** `4` is libuv's default; `preload` leaves the size to features/threadpool.cjs, as `npm start` does. */
const POOL_SIZES = (process.env.POOL_SIZES ?? "4,preload,4,preload").split(",");
const PHASE_S = Number(process.env.PHASE_S ?? 20);
const PREVIEWS_AT_ONCE = 10;

interface Timings {
  upload: number[];
  download: number[];
  health: number[];
}

const summary = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { count: sorted.length, p50_ms: percentile(sorted, 50), p95_ms: percentile(sorted, 95), max_ms: round(sorted.at(-1) ?? 0, 1) };
};

async function noisyJpeg(width: number, height: number): Promise<Buffer> {
  // Noise in 8x8 blocks: large to decode and resize, still a few MB.
  const small = sharp(randomBytes((width / 8) * (height / 8) * 3), { raw: { width: width / 8, height: height / 8, channels: 3 } });
  return small.resize(width, height, { kernel: "nearest" }).jpeg({ quality: 90 }).toBuffer();
}

async function timed(ms: number[], send: () => Promise<Response>): Promise<Response> {
  const started = performance.now();
  const response = await send();
  await response.arrayBuffer();
  ms.push(performance.now() - started);
  return response;
}

/** Small uploads, one output download and a health check, in a loop, until `until`. */
async function probe(server: LoadServer, outputUrl: string, until: number): Promise<Timings> {
  const timings: Timings = { upload: [], download: [], health: [] };
  const small = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#888" } }).png().toBuffer();
  for (let i = 0; Date.now() < until; i++) {
    const form = new FormData();
    form.append("files", new Blob([new Uint8Array(small)], { type: "image/png" }), `PROBE_${i}.png`);
    await timed(timings.upload, () => server.fetch("/api/batches", { method: "POST", body: form }));
    await timed(timings.download, () => server.fetch(outputUrl));
    await timed(timings.health, () => fetch(`${server.url}/api/health`));
    await sleep(100);
  }
  return timings;
}

/** Keeps PREVIEWS_AT_ONCE previews of a 20000 px spec in flight until `until`; counts the answers. */
async function previews(server: LoadServer, image: Buffer, until: number): Promise<Record<string, number>> {
  const statuses: Record<string, number> = {};
  const one = async () => {
    while (Date.now() < until) {
      const form = new FormData();
      form.append("spec", JSON.stringify({ format: "webp", width: 20_000 }));
      form.append("file", new Blob([new Uint8Array(image)], { type: "image/jpeg" }), "big.jpg");
      const response = await server.fetch("/api/pipelines/preview", { method: "POST", body: form });
      await response.arrayBuffer();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      if (response.status !== 200) await sleep(Number(response.headers.get("retry-after") ?? 1) * 1000);
    }
  };
  await Promise.all(Array.from({ length: PREVIEWS_AT_ONCE }, one));
  return statuses;
}

async function runWithPool(poolSize: string, big: Buffer) {
  // THROTTLE=off: the queue must keep its three jobs running whatever else loads the machine.
  const pool: Record<string, string> = poolSize === "preload" ? {} : { UV_THREADPOOL_SIZE: poolSize };
  const server = await startServer({ ...pool, PREVIEW_RATE_LIMIT: "off", MAX_CONCURRENT_UPLOADS: "64", THROTTLE: "off" });
  try {
    const pipeline = (await (
      await server.fetch("/api/pipelines", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Heavy WebP", format: "webp", width: 5000, without_enlargement: false, quality: 90 }),
      })
    ).json()) as { id: string };
    // One finished output to download during both phases.
    const first = new FormData();
    first.append("files", new Blob([new Uint8Array(big)], { type: "image/jpeg" }), "THREADS_first.jpg");
    const seeded = (await (await server.fetch("/api/batches", { method: "POST", body: first })).json()) as { id: string };
    let outputUrl = "";
    while (!outputUrl) {
      const detail = (await (await server.fetch(`/api/batches/${seeded.id}`)).json()) as { jobs: { output_url: string | null }[] };
      outputUrl = detail.jobs.find((j) => j.output_url)?.output_url ?? "";
      await sleep(200);
    }

    const quiet = await probe(server, outputUrl, Date.now() + PHASE_S * 1000);

    // Enough heavy jobs to keep QUEUE_CONCURRENCY=3 busy for the whole loaded phase.
    const heavy = new FormData();
    for (let i = 0; i < 24; i++) heavy.append("files", new Blob([new Uint8Array(big)], { type: "image/jpeg" }), `THREADS_${i}.jpg`);
    heavy.append("pipeline_id", pipeline.id);
    await server.fetch("/api/batches", { method: "POST", body: heavy });
    await sleep(1000);
    const until = Date.now() + PHASE_S * 1000;
    const [loaded, previewStatuses] = await Promise.all([probe(server, outputUrl, until), previews(server, big, until)]);
    const health = (await (await server.fetch("/api/health")).json()) as { queue: { active: number } };
    return {
      uv_threadpool_size: poolSize === "preload" ? `${poolSize} (${poolSizeFor(process.env)})` : poolSize,
      quiet: { upload: summary(quiet.upload), download: summary(quiet.download), health: summary(quiet.health) },
      loaded: { upload: summary(loaded.upload), download: summary(loaded.download), health: summary(loaded.health) },
      preview_statuses: previewStatuses,
      jobs_running_at_end: health.queue.active,
    };
  } finally {
    await server.stop();
  }
}

async function main() {
  const big = await noisyJpeg(4000, 3000);
  const runs = [];
  for (const size of POOL_SIZES) runs.push(await runWithPool(size, big));
  console.log(JSON.stringify({ phase_s: PHASE_S, input_bytes: big.length, input: "4000 x 3000 JPEG", runs }, null, 2));
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
