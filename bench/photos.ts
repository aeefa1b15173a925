/** The image benchmarks' inputs and their pool: real photos from a folder, worked three at a time. */
import fs from "node:fs";
import path from "node:path";
import { processImageJob } from "@/features/pipelines/processor";
import type { AppContext } from "@/features/shared/context";
import { createBatch } from "@/test/fixtures";

const PHOTO_EXT = /\.(jpe?g|png|webp|tiff?|avif)$/i;

/** Up to `max` photos (over 20 kB) under `dir`, in name order. */
export function photos(dir: string, max: number): string[] {
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

/** Runs `work` over `items`, `size` at a time. */
export async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/** The photo folder (argv[2], PHOTOS_DIR or /usr/share/backgrounds), at most BENCH_MAX_FILES (50) of it. */
export function benchPhotos(): { dir: string; files: string[] } {
  const dir = process.argv[2] ?? process.env.PHOTOS_DIR ?? "/usr/share/backgrounds";
  const files = photos(dir, Number(process.env.BENCH_MAX_FILES ?? 50));
  if (files.length === 0) throw new Error(`no photos under ${dir} (apt-get install -y gnome-backgrounds)`);
  return { dir, files };
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The files as one batch through the real processor, `concurrency` at a time, in-process: milliseconds taken. */
export async function processFiles(ctx: AppContext, files: string[], pipelineId: string, concurrency: number): Promise<number> {
  const inputs = files.map((f) => ({ name: path.basename(f), data: fs.readFileSync(f), mime: `image/${path.extname(f).slice(1).replace("jpg", "jpeg")}` }));
  const { jobs } = createBatch(ctx, inputs, [pipelineId]);
  const started = performance.now();
  await pool(jobs, concurrency, async (job) => {
    await processImageJob({ job, attempt: 1, leaseToken: "bench" }, { ctx, signal: new AbortController().signal, reportProgress: () => undefined });
  });
  return performance.now() - started;
}
