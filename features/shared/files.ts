import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { PRIVATE_FILE_MODE } from "./paths";

export interface AtomicWriteOptions {
  /**
   * fsync the written file before the rename (default true), so a power cut leaves either the old
   * file or the complete new one. A cache that is re-made on demand may skip it.
   */
  syncFile?: boolean;
  /** fsync the folder after the rename as well, so the rename itself is on disk when this returns. */
  syncFolder?: boolean;
}

/**
 * The one way files are published in DATA_DIR (and backups beside it): `write` produces the
 * content at a temp name in the target's own folder (`.<name>.<random>.tmp`, so a crash leaves
 * only a hidden `.tmp` the stray sweep knows), which is fsynced and renamed over `target`.
 * Readers see the old file or the complete new one, never half of it. On failure the temp file is
 * removed and the error rethrown. Returns what `write` returned.
 */
export async function writeAtomically<T>(
  target: string,
  write: (temp: string) => Promise<T>,
  options: AtomicWriteOptions = {},
): Promise<T> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID().slice(0, 8)}.tmp`);
  try {
    const result = await write(temp);
    // sharp and other writers use the umask's mode; DATA_DIR's files are owner-only whatever it is.
    await fs.promises.chmod(temp, PRIVATE_FILE_MODE);
    if (options.syncFile ?? true) await fsync(temp, "r+");
    await fs.promises.rename(temp, target);
    if (options.syncFolder) await fsync(path.dirname(target), "r");
    return result;
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
}

async function fsync(file: string, flags: "r" | "r+"): Promise<void> {
  const handle = await fs.promises.open(file, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
