import type { AppContext } from "@/features/shared/context";

/** What /system shows of the watch folder (GET /api/watch). */
export interface WatchStatus {
  enabled: boolean;
  dir: string | null;
  /** The email of the user who owns its batches. */
  owner: string | null;
  folders: { name: string; pipelines: string[]; arriving: number; waiting: number }[];
  /** Subfolders that name no pipeline (their files stay where they are). */
  unmapped: string[];
  problems: string[];
  last_batch: { id: string; name: string; folder: string; files: number; refused: number; at: string } | null;
  /** Since this process started. */
  batches: number;
  refused: number;
  checked_at: string | null;
}

const holder = globalThis as unknown as { __batchyardWatch?: WatchStatus };

export function publishWatchStatus(status: WatchStatus): void {
  holder.__batchyardWatch = structuredClone(status);
}

/**
 * The watcher's latest cycle in this process (the server runs it); off when WATCH_DIR is unset,
 * `checked_at: null` until the first scan finished.
 */
export function watchStatus(ctx: AppContext): WatchStatus {
  if (!ctx.config.WATCH_DIR) {
    return { enabled: false, dir: null, owner: null, folders: [], unmapped: [], problems: [], last_batch: null, batches: 0, refused: 0, checked_at: null };
  }
  return holder.__batchyardWatch ?? { enabled: true, dir: ctx.config.WATCH_DIR, owner: null, folders: [], unmapped: [], problems: [], last_batch: null, batches: 0, refused: 0, checked_at: null };
}
