import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { AppContext } from "@/features/shared/context";
import { AppError } from "@/features/shared/errors";
import { PRIVATE_FILE_MODE } from "@/features/shared/paths";
import { StagingBudget } from "./staging-budget";

/** One uploaded file on disk in DATA_DIR/tmp, not yet part of any batch. */
export interface StagedFile {
  originalName: string;
  tempPath: string;
  size: number;
  sha256: string;
}

/**
 * The temp files of one upload. Every path it hands out is removed by `discard()` unless it was
 * `release()`d (moved into inputs/). Nothing else ever writes into tmp/.
 */
export class UploadStaging {
  private readonly owned = new Set<string>();

  /** `budget`: this upload's share of what all uploads may hold in tmp/ (staging-budget.ts). */
  constructor(
    private readonly tmpDir: string,
    readonly budget = new StagingBudget(Number.POSITIVE_INFINITY),
  ) {}

  newPath(): string {
    const file = path.join(this.tmpDir, `${randomUUID()}.part`);
    this.owned.add(file);
    return file;
  }

  release(file: string): void {
    this.owned.delete(file);
  }

  /** Removes every temp file still owned and gives the budget back. Call only once no write to them is in flight. */
  async discard(): Promise<void> {
    await Promise.all([...this.owned].map((file) => fs.promises.rm(file, { force: true })));
    this.owned.clear();
    this.budget.release();
  }
}

/**
 * Streams one file to disk while hashing and counting it; fsyncs before it resolves so the later
 * rename publishes complete bytes. Rejects (and the caller discards the file) when `source` errors
 * or `onBytes` throws (the staging budget is used up).
 */
export async function writeStaged(source: Readable, target: string, onBytes?: (bytes: number) => void): Promise<{ size: number; sha256: string }> {
  const hash = createHash("sha256");
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        onBytes?.(chunk.length);
      } catch (error) {
        return done(error as Error);
      }
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(source, meter, fs.createWriteStream(target, { flags: "wx", flush: true, mode: PRIVATE_FILE_MODE }));
  return { size, sha256: hash.digest("hex") };
}

/** A failed temp write as the client sees it: a full disk is 503 (try later), anything else 500. */
export function storageError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new AppError("unavailable", "The server is out of disk space; the upload was not stored.", { cause: error });
  }
  return new AppError("internal", "Could not store the upload.", { cause: error });
}

/** Writes an in-memory file (the JSON variant) the same way. */
export async function writeStagedBuffer(data: Buffer, target: string): Promise<{ size: number; sha256: string }> {
  await fs.promises.writeFile(target, data, { flag: "wx", flush: true, mode: PRIVATE_FILE_MODE });
  return { size: data.length, sha256: createHash("sha256").update(data).digest("hex") };
}

/**
 * Empties DATA_DIR/tmp. Run once at start-up, before the server takes requests: whatever is there was
 * left by uploads a previous process never finished (crash, kill), and no batch refers to it.
 */
export function cleanUploadTmp(ctx: AppContext): number {
  let removed = 0;
  for (const entry of fs.readdirSync(ctx.paths.tmp)) {
    fs.rmSync(path.join(ctx.paths.tmp, entry), { recursive: true, force: true });
    removed++;
  }
  if (removed > 0) ctx.log.info({ removed }, "removed unfinished uploads from tmp/");
  return removed;
}
