import fs from "node:fs";
import path from "node:path";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
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

  sweepDir(ctx, ctx.paths.tmp, sweep, (_name, stat) => oldEnough(stat));
  await yieldToEventLoop();

  sweepDir(ctx, ctx.paths.outputs, sweep, (name) => !batchExists(ctx.db, name));
  // Temp files of output writes a crash interrupted, inside batches that still exist.
  for (const dir of fs.readdirSync(ctx.paths.outputs)) {
    sweepDir(ctx, path.join(ctx.paths.outputs, dir), sweep, (name, stat) => name.endsWith(".tmp") && oldEnough(stat));
  }
  await yieldToEventLoop();

  sweepDir(ctx, ctx.paths.inputs, sweep, (name, stat) => oldEnough(stat) && !isInputReferenced(ctx.db, name, `inputs/${name}`));
  await yieldToEventLoop();

  sweepDir(ctx, ctx.paths.thumbs, sweep, (name, stat) => oldEnough(stat) && !fileExists(ctx.db, name.replace(/\.webp$/, "")));
  if (sweep.removed > 0) ctx.log.info({ ...sweep }, "removed stray files");
  return sweep;
}

/**
 * Removes the entries of one directory that `isStray` picks. Each check and its removal happen in
 * the same synchronous step, so no upload commit in this process can slip in between.
 */
function sweepDir(ctx: AppContext, dir: string, sweep: StraySweep, isStray: (name: string, stat: fs.Stats) => boolean): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const full = path.join(dir, name);
    try {
      const stat = fs.lstatSync(full);
      if (!isStray(name, stat)) continue;
      const bytes = sizeOf(full, stat);
      fs.rmSync(full, { recursive: true, force: true });
      sweep.removed++;
      sweep.freedBytes += bytes;
    } catch (error) {
      ctx.log.warn({ err: error, file: full }, "could not remove stray file");
    }
  }
}

function sizeOf(full: string, stat: fs.Stats): number {
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const name of fs.readdirSync(full)) {
    const child = path.join(full, name);
    total += sizeOf(child, fs.lstatSync(child));
  }
  return total;
}
