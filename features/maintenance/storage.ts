import fs from "node:fs";
import path from "node:path";
import type { AppContext } from "@/features/shared/context";

/**
 * How much room Batchyard takes: the database file (with its WAL and shared-memory files) and the
 * whole data folder. The database is three stats, read on every health check. The folder is a walk
 * of every file, which takes seconds on a large install, so health shows the last measurement and
 * starts a new one in the background when it is older than DATA_DIR_TTL_MS.
 */

export interface DataDirSize {
  bytes: number;
  files: number;
  measured_at: string;
  duration_ms: number;
}

const DATA_DIR_TTL_MS = 10 * 60_000;

const holder = globalThis as unknown as {
  __batchyardDataDirSize?: { root: string; size: DataDirSize | null; at: number; running?: Promise<DataDirSize> };
};

/** db.sqlite plus db.sqlite-wal and -shm: what the database holds on disk right now. */
export function databaseBytes(ctx: AppContext): number {
  return ["", "-wal", "-shm"].reduce((sum, suffix) => {
    try {
      return sum + fs.statSync(`${ctx.paths.db}${suffix}`).size;
    } catch {
      return sum;
    }
  }, 0);
}

/** Walks DATA_DIR now (symbolic links are not followed) and remembers the result. */
export function measureDataDir(ctx: AppContext): Promise<DataDirSize> {
  const state = stateFor(ctx);
  state.running ??= walk(ctx.paths.root)
    .then((size) => {
      Object.assign(state, { size, at: Date.now() });
      return size;
    })
    .finally(() => {
      state.running = undefined;
    });
  return state.running;
}

/** The last measurement (null before the first finishes); refreshes in the background when stale. */
export function lastDataDirSize(ctx: AppContext): DataDirSize | null {
  const state = stateFor(ctx);
  if (!state.running && Date.now() - state.at > DATA_DIR_TTL_MS) {
    measureDataDir(ctx).catch((error: unknown) => ctx.log.warn({ err: error }, "could not measure the data folder"));
  }
  return state.size;
}

function stateFor(ctx: AppContext) {
  if (holder.__batchyardDataDirSize?.root !== ctx.paths.root) holder.__batchyardDataDirSize = { root: ctx.paths.root, size: null, at: -Infinity };
  return holder.__batchyardDataDirSize;
}

async function walk(root: string): Promise<DataDirSize> {
  const started = performance.now();
  let bytes = 0;
  let files = 0;
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      continue; // removed while we walked (a batch deleted, tmp/ emptied)
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile()) {
        try {
          bytes += (await fs.promises.stat(full)).size;
          files += 1;
        } catch {
          // gone between the listing and the stat
        }
      }
    }
  }
  return { bytes, files, measured_at: new Date().toISOString(), duration_ms: Math.round(performance.now() - started) };
}
