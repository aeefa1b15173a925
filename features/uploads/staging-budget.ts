import fs from "node:fs";
import { AppError } from "@/features/shared/errors";

/**
 * Room for uploads in flight in DATA_DIR/tmp. All uploads of the process together may hold
 * UPLOAD_STAGING_MB there (a body's declared Content-Length is claimed before it is read, bytes
 * past it as they arrive); one more is answered 503 with Retry-After instead of filling the disk
 * a chunk at a time. Separately, an upload whose declared size does not fit the free space is
 * refused (507) before a byte is written.
 */

/** Seconds a client is told to wait when the budget is used up: uploads in flight finish in that order. */
const BUSY_RETRY_AFTER_S = 5;
/** Left free for outputs, thumbnails and SQLite when an upload is measured against the disk. */
const DISK_MARGIN_BYTES = 64 * 1024 * 1024;

const holder = globalThis as unknown as { __batchyardStagingBytes?: { used: number } };
const shared = () => (holder.__batchyardStagingBytes ??= { used: 0 });

/** Bytes all uploads in flight hold or have claimed now. */
export const stagingBytesInUse = (): number => shared().used;

/** One upload's share of the process-wide budget. */
export class StagingBudget {
  private claimed = 0;
  private counted = 0;

  constructor(private readonly limitBytes: number) {}

  /** Claims a body's declared size up front; throws 503 when all uploads together would pass the budget. */
  reserve(bytes: number): void {
    this.claim(bytes);
  }

  /** Bytes written to tmp/; claims whatever goes past what was reserved. */
  count(bytes: number): void {
    this.counted += bytes;
    if (this.counted > this.claimed) this.claim(this.counted - this.claimed);
  }

  /** Gives this upload's share back (its files have left tmp/: published or removed). */
  release(): void {
    shared().used -= this.claimed;
    this.claimed = 0;
    this.counted = 0;
  }

  private claim(bytes: number): void {
    const state = shared();
    if (bytes > 0 && state.used + bytes > this.limitBytes) {
      throw new AppError("unavailable", `The server is receiving as much upload data as it holds at once (${mb(this.limitBytes)}); try again in a few seconds.`, {
        details: { staging_limit_bytes: this.limitBytes },
        headers: { "Retry-After": String(BUSY_RETRY_AFTER_S) },
      });
    }
    state.used += bytes;
    this.claimed += bytes;
  }
}

/** Refuses (507) a body whose declared size does not fit the free space of the file system of `dir`. */
export function assertRoomFor(dir: string, declaredBytes: number): void {
  if (!(declaredBytes > 0)) return;
  let free: number;
  try {
    const stats = fs.statfsSync(dir);
    free = stats.bavail * stats.bsize;
  } catch {
    return; // cannot tell: the write itself reports a full disk
  }
  if (declaredBytes + DISK_MARGIN_BYTES > free) {
    throw new AppError("insufficient_storage", `The server does not have room for this upload (${mb(declaredBytes)}); it was not stored.`, {
      details: { declared_bytes: declaredBytes },
    });
  }
}

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
