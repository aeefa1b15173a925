import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { batches, files, jobs, type JobRow } from "@/db/schema";
import { refreshBatch } from "@/features/queue/batch-status";
import { newJobRow } from "@/features/queue/enqueue";
import type { ProcessContext } from "@/features/queue/types";
import type { AppContext } from "@/features/shared/context";
import { insertPipeline } from "./queries";
import type { PipelineSpecInput } from "./schemas";

/** Test helpers: batch, file and job rows written the way the upload writes them. */

export function addPipeline(ctx: AppContext, spec: PipelineSpecInput): string {
  return insertPipeline(ctx.db, spec, ctx.clock.now()).id;
}

export interface FixtureFile {
  name: string;
  data: Buffer;
  mime?: string;
}

/** One batch with its files stored content-addressed under inputs/ and one job per file x pipeline. */
export function createBatch(ctx: AppContext, inputs: FixtureFile[], pipelineIds: string[]) {
  const now = ctx.clock.now();
  const batchId = randomUUID();
  const fileRows = inputs.map((input) => {
    const sha256 = createHash("sha256").update(input.data).digest("hex");
    fs.writeFileSync(path.join(ctx.paths.inputs, sha256), input.data);
    return {
      id: randomUUID(),
      batchId,
      originalName: input.name,
      safeName: input.name,
      mime: input.mime ?? "image/png",
      size: input.data.length,
      sha256,
      storageKey: `inputs/${sha256}`,
      width: null,
      height: null,
      createdAt: now,
    };
  });
  const jobRows: JobRow[] = fileRows.flatMap((f) =>
    pipelineIds.map((pipelineId) => newJobRow({ batchId, fileId: f.id, pipelineId, priority: "normal" }, ctx.config, now)),
  );
  ctx.db.transaction(
    (tx) => {
      tx.insert(batches)
        .values({
          id: batchId,
          customerPrefix: "TEST",
          batchDate: "2025-11-05",
          batchCounter: Math.floor(Math.random() * 1e9),
          baseDirectoryName: `TEST_2025-11-05_batch-${batchId.slice(0, 8)}`,
          totalFiles: fileRows.length,
          totalSize: fileRows.reduce((n, f) => n + f.size, 0),
          createdAt: now,
          updatedAt: now,
        })
        .run();
      if (fileRows.length) tx.insert(files).values(fileRows).run();
      if (jobRows.length) tx.insert(jobs).values(jobRows).run();
      refreshBatch(ctx.db.$client, batchId, now);
    },
    { behavior: "immediate" },
  );
  return { batchId, files: fileRows, jobs: jobRows };
}

/** What the engine hands a processor, with the progress it reported kept for assertions. */
export function processContext(ctx: AppContext, signal = new AbortController().signal): ProcessContext & { progress: number[] } {
  const progress: number[] = [];
  return { ctx, signal, progress, reportProgress: (f) => void progress.push(f) };
}

/** A photo-like RGB image (smooth gradients, so encoders behave as with real photos). */
export async function gradient(width: number, height: number, format: "png" | "jpeg" | "webp" | "tiff" = "png"): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = (x * 255) / width;
      raw[i + 1] = (y * 255) / height;
      raw[i + 2] = 128;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).toFormat(format).toBuffer();
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A tiny well-formed PNG whose header claims width x height pixels (a decompression bomb). */
export function pixelBomb(width = 60_000, height = 60_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}
