import fs from "node:fs";
import path from "node:path";
import type { AppContext } from "@/features/shared/context";
import { batchExists, fileExists, isInputReferenced } from "./queries";

/**
 * Files no row points at: uploads abandoned in tmp/, outputs of batches that are gone (a job that
 * finished writing after its batch was deleted), inputs and thumbnails whose rows were deleted by a
 * process that died before removing the file. Anything younger than an hour is left alone, so a
 * file between its rename and its commit (or an upload in flight) is never taken.
 */
export const STRAY_GRACE_MS = 3_600_000;

export interface StraySweep {
  removed: number;
  freedBytes: number;
}

export async function removeStrayFiles(ctx: AppContext, now: number): Promise<StraySweep> {
  const sweep: StraySweep = { removed: 0, freedBytes: 0 };
  const oldEnough = (stat: fs.Stats) => stat.mtimeMs < now - STRAY_GRACE_MS;

  await sweepDir(ctx, ctx.paths.tmp, sweep, (_name, stat) => oldEnough(stat));
  await sweepDir(ctx, ctx.paths.outputs, sweep, (name) => !batchExists(ctx.db, name));
  // Temp files of output writes a crash interrupted, inside batches that still exist.
  for (const dir of await listDir(ctx.paths.outputs)) {
    await sweepDir(ctx, path.join(ctx.paths.outputs, dir), sweep, (name, stat) => name.endsWith(".tmp") && oldEnough(stat));
  }
  await sweepDir(ctx, ctx.paths.inputs, sweep, (name, stat) => oldEnough(stat) && !isInputReferenced(ctx.db, name, `inputs/${name}`));
  await sweepDir(ctx, ctx.paths.thumbs, sweep, (name, stat) => oldEnough(stat) && !fileExists(ctx.db, name.replace(/\.webp$/, "")));
  if (sweep.removed > 0) ctx.log.info({ ...sweep }, "removed stray files");
  return sweep;
}

/** Directory entries read per call into the file system. */
const ENTRIES_PER_READ = 200;

/**
 * Removes the entries of one directory that `isStray` picks. The listing and every stat are read
 * asynchronously, so a folder of a million inputs is walked between requests and queue work, never
 * in one long synchronous loop that stops them. Each check and its removal still happen
 * in the same synchronous step, so no upload commit in this process can slip in between (an
 * upload's rename and its commit are one synchronous step too).
 */
async function sweepDir(ctx: AppContext, dir: string, sweep: StraySweep, isStray: (name: string, stat: fs.Stats) => boolean): Promise<void> {
  for (const name of await listDir(dir)) {
    const full = path.join(dir, name);
    try {
      const stat = await fs.promises.lstat(full).catch(() => undefined);
      if (!stat || !isStray(name, stat)) continue;
      const bytes = stat.isDirectory() ? await sizeOf(full) : stat.size;
      if (!isStray(name, stat)) continue; // re-checked: the size walk awaited
      fs.rmSync(full, { recursive: true, force: true });
      sweep.removed++;
      sweep.freedBytes += bytes;
    } catch (error) {
      ctx.log.warn({ err: error, file: full }, "could not remove stray file");
    }
  }
}

/** The names in a folder (none if it cannot be read), listed without blocking the event loop. */
async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of await fs.promises.opendir(dir, { bufferSize: ENTRIES_PER_READ })) names.push(entry.name);
  } catch {
    return names;
  }
  return names;
}

async function sizeOf(full: string): Promise<number> {
  let total = 0;
  for (const name of await listDir(full)) {
    const child = path.join(full, name);
    const stat = await fs.promises.lstat(child).catch(() => undefined);
    if (stat) total += stat.isDirectory() ? await sizeOf(child) : stat.size;
  }
  return total;
}
