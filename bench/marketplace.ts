/**
 * The marketplace + watermark pipeline against a bare sharp script doing the same operations
 * (docs/benchmarks.md). The same photos go (a) through the real processor in this process (the
 * default "Marketplace 2000 px square, white" pipeline with a watermark asset: trim, contain on a
 * padded 2000 px white canvas, sharpen, the logo composited, sRGB, progressive mozjpeg) and (b)
 * through a sharp loop doing those operations as anyone would write them (the logo resized once),
 * both three at a time. Rounds interleave; medians are reported. Prints one JSON object.
 *
 *   npx tsx bench/marketplace.ts [photo folder]
 * Env: BENCH_ROUNDS (3), BENCH_MAX_FILES (50), PHOTOS_DIR. Photos: /usr/share/backgrounds.
 */
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { insertAsset } from "@/features/assets/queries";
import { MARKETPLACE_PIPELINE } from "@/features/pipelines/schemas";
import { addPipeline, createTestContext } from "@/test/fixtures";
import { benchPhotos, median, pool, processFiles } from "./photos";

const CONCURRENCY = 3;
const CANVAS = 2000;
const PAD = Math.round((CANVAS * 5) / 100);
const WATERMARK = { gravity: "southeast", width_pct: 20, opacity: 0.6, margin_pct: 3 } as const;


/** A 600 x 200 logo: a solid mark on transparency. */
function logo(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200"><rect x="10" y="10" width="580" height="180" rx="40" fill="#1d4ed8"/><circle cx="100" cy="100" r="60" fill="#fff"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** What anyone would write: the same operations, the logo sized once for the 2000 px canvas. */
async function bareSharp(files: string[], mark: Buffer): Promise<number> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-market-bare-"));
  const margin = Math.round((CANVAS * WATERMARK.margin_pct) / 100);
  const { data, info } = await sharp(mark).resize({ width: (CANVAS * WATERMARK.width_pct) / 100 }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  for (let i = 3; i < data.length; i += 4) data[i] = Math.round(data[i]! * WATERMARK.opacity);
  const layer = { input: data, raw: { width: info.width, height: info.height, channels: 4 as const }, left: CANVAS - info.width - margin, top: CANVAS - info.height - margin };
  const started = performance.now();
  await pool(files, CONCURRENCY, async (file) => {
    await sharp(file)
      .rotate()
      .trim({ threshold: 10 })
      .resize({ width: CANVAS - 2 * PAD, height: CANVAS - 2 * PAD, fit: "contain", background: "#ffffff" })
      .extend({ top: PAD, bottom: PAD, left: PAD, right: PAD, background: "#ffffff" })
      .sharpen()
      .flatten({ background: "#ffffff" })
      .composite([layer])
      .removeAlpha()
      .withIccProfile("srgb")
      .jpeg({ quality: 85, progressive: true, mozjpeg: true })
      .toFile(path.join(out, `${path.basename(file)}.jpg`));
  });
  const ms = performance.now() - started;
  fs.rmSync(out, { recursive: true, force: true });
  return ms;
}

/** The real processor on a throwaway DATA_DIR, with the asset stored as an admin's upload would store it. */
async function processorOnly(files: string[], mark: Buffer): Promise<number> {
  const ctx = createTestContext({ QUEUE_CONCURRENCY: String(CONCURRENCY) });
  try {
    const sha256 = createHash("sha256").update(mark).digest("hex");
    fs.mkdirSync(ctx.paths.assets, { recursive: true });
    fs.writeFileSync(path.join(ctx.paths.assets, sha256), mark);
    const assetId = randomUUID();
    insertAsset(ctx.db, { id: assetId, name: "logo.png", sha256, mime: "image/png", size: mark.length, width: 600, height: 200, storageKey: `assets/${sha256}`, createdBy: null, createdAt: 0, archivedAt: null });
    const pipelineId = addPipeline(ctx, { ...MARKETPLACE_PIPELINE, name: "bench marketplace", watermark: { asset_id: assetId, ...WATERMARK } });
    return await processFiles(ctx, files, pipelineId, CONCURRENCY);
  } finally {
    ctx.cleanup();
  }
}

async function main(): Promise<void> {
  const { dir, files } = benchPhotos();
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const mark = await logo();
  const samples = { bare: [] as number[], processor: [] as number[] };
  // Warm up libvips and the page cache for both alike.
  await bareSharp(files.slice(0, 2), mark);
  await processorOnly(files.slice(0, 2), mark);
  for (let round = 0; round < rounds; round++) {
    samples.bare.push(await bareSharp(files, mark));
    samples.processor.push(await processorOnly(files, mark));
  }
  const summary = (xs: number[]) => ({ ms: Math.round(median(xs)), files_per_s: Math.round((files.length / median(xs)) * 1e5) / 100, runs_ms: xs.map(Math.round) });
  const ratio = Math.round((median(samples.bare) / median(samples.processor)) * 1000) / 1000;
  console.log(JSON.stringify({
    bench: "marketplace",
    photos: dir,
    files: files.length,
    concurrency: CONCURRENCY,
    rounds,
    spec: { ...MARKETPLACE_PIPELINE, watermark: WATERMARK },
    cpus: os.availableParallelism(),
    load: os.loadavg().map((l) => Math.round(l * 10) / 10),
    bare_sharp: summary(samples.bare),
    processor_only: summary(samples.processor),
    ratio,
  }));
}

main().catch((error: unknown) => {
  console.log(JSON.stringify({ bench: "marketplace", error: error instanceof Error ? error.message : String(error) }));
  process.exitCode = 1;
});
