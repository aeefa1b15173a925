import { createHash } from "node:crypto";
import fs from "node:fs";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import { PRIVATE_FILE_MODE } from "@/features/shared/paths";

/**
 * One temp file written piece by piece from pushed buffers (the JSON upload decodes base64 as the
 * body arrives), hashed and counted on the way and fsynced on finish, like writeStaged does for a
 * stream. The caller waits for `drained()` between body chunks, so the body is read no faster than
 * the disk takes it.
 */
export class StagedWriter {
  private readonly hash = createHash("sha256");
  private readonly stream: fs.WriteStream;
  private failure: Error | undefined;
  size = 0;

  constructor(readonly target: string) {
    this.stream = fs.createWriteStream(target, { flags: "wx", flush: true, mode: PRIVATE_FILE_MODE });
    this.stream.on("error", (error) => void (this.failure ??= error));
  }

  write(bytes: Buffer): void {
    if (this.failure) throw this.failure;
    this.hash.update(bytes);
    this.size += bytes.length;
    this.stream.write(bytes);
  }

  /** Resolves once the file has taken what was written so far (at once if it already has). */
  async drained(): Promise<void> {
    if (this.failure) throw this.failure;
    // `once` rejects on an "error" event, so a failed write does not leave this waiting.
    if (this.stream.writableNeedDrain) await once(this.stream, "drain");
    if (this.failure) throw this.failure;
  }

  /** Ends the file: flushed and fsynced when this resolves. */
  async finish(): Promise<{ size: number; sha256: string }> {
    this.stream.end();
    await finished(this.stream);
    if (this.failure) throw this.failure;
    return { size: this.size, sha256: this.hash.digest("hex") };
  }

  /** Stops writing; resolves once the file is closed (so it can be removed). */
  async abort(): Promise<void> {
    if (this.stream.closed) return;
    this.stream.destroy();
    await once(this.stream, "close").catch(() => undefined);
  }
}
