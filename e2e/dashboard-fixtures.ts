import path from "node:path";
import Database from "better-sqlite3";
import { expect, type APIRequestContext } from "@playwright/test";
import { openDatabase } from "../db/client";
import { seedDatabase } from "../scripts/seed";
import sharp from "sharp";

/** Shared helpers of the dashboard and batch API suites. */

/** A noisy generated image (noise keeps encoders busy, so a batch takes a moment to process). */
export async function photo(width: number, height: number, seed: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  let x = seed * 2654435761;
  for (let i = 0; i < raw.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    raw[i] = ((i * 7) ^ (x >>> 24)) & 0xff;
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
}

/** The first third of a real JPEG: sniffs as an image, fails to decode. */
export async function truncatedJpeg(): Promise<Buffer> {
  const full = await sharp(await photo(256, 256, 3)).jpeg().toBuffer();
  return full.subarray(0, Math.floor(full.length / 3));
}

export const SEED_PREFIXES = ["E2E_ALPHA", "E2E_BETA", "E2E_GAMMA"];
const DAY = 86_400_000;

function dbFile(): string {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) throw new Error("E2E_DATA_DIR is not set (playwright.config.ts sets it)");
  return path.join(dir, "db.sqlite");
}

/**
 * Writes idle seeded batches (completed, failed, cancelled, paused: nothing the queue would pick up)
 * dated at least three days back, into the running server's database. Queries limited by `date_to`
 * three days ago see exactly these rows, whatever other suites upload today.
 */
export function seedIdleBatches(batches: number, seed: number): { dateTo: string } {
  const db = openDatabase(dbFile());
  try {
    seedDatabase(db, {
      batches,
      filesPerBatch: 3,
      seed,
      now: Date.now() - 3 * DAY,
      prefixes: SEED_PREFIXES,
      statuses: ["completed", "failed", "cancelled", "paused"],
    });
  } finally {
    db.$client.close();
  }
  const d = new Date(Date.now() - 3 * DAY);
  const pad = (n: number) => String(n).padStart(2, "0");
  return { dateTo: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` };
}

/** A read-only look at the server's database, the oracle the API is compared against. */
export function readDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(dbFile(), { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** POST /api/batches with generated images; returns the batch detail. */
export async function uploadBatch(
  request: APIRequestContext,
  options: { files: number; prefix: string; size?: number; broken?: Buffer; pipelines?: number; priority?: string },
) {
  const form = new FormData();
  for (let i = 0; i < options.files; i++) {
    const image = await photo(options.size ?? 64, options.size ?? 48, i);
    form.append("files", new File([new Uint8Array(image)], `${options.prefix}_shot_${String(i + 1).padStart(3, "0")}.png`, { type: "image/png" }));
  }
  if (options.broken) form.append("files", new File([new Uint8Array(options.broken)], `${options.prefix}_broken.jpg`, { type: "image/jpeg" }));
  const pipelines = ((await (await request.get("/api/pipelines")).json()) as { data: { id: string }[] }).data;
  for (const p of pipelines.slice(0, options.pipelines ?? 1)) form.append("pipeline_id", p.id);
  if (options.priority) form.append("priority", options.priority);
  const res = await request.post("/api/batches", { multipart: form });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as { id: string; status: string; jobs: { id: string; status: string; file_name: string }[] };
}

/** Polls a batch until `done` holds (no fixed sleeps). */
export async function waitForBatch(request: APIRequestContext, id: string, done: (b: { status: string; failed_jobs: number; completed_jobs: number; total_jobs: number }) => boolean, timeout = 60_000) {
  let last: { status: string; failed_jobs: number; completed_jobs: number; total_jobs: number } | undefined;
  await expect
    .poll(async () => {
      last = await (await request.get(`/api/batches/${id}`)).json();
      return done(last!);
    }, { timeout, intervals: [100, 200, 400] })
    .toBe(true);
  return last!;
}
