import fs from "node:fs";
import type { AppContext } from "@/features/shared/context";
import { PRIVATE_DIR_MODE } from "@/features/shared/paths";
import { watchTestHooks } from "./faults";
import { scanFolder, watchedFolders, type WatchedFolder } from "./folders";
import { claimFiles, ingestClaimed, isRetryable, pendingIngests, refuseIngest, type IngestHooks } from "./ingest";
import { findWatchOwner } from "./queries";
import { ArrivalWindow, SettleTracker } from "./settle";
import { publishWatchStatus, type WatchStatus } from "./status";

/** A pending ingest that could not be made is tried again after this long, not on every scan. */
const RETRY_AFTER_MS = 30_000;

interface FolderState {
  tracker: SettleTracker;
  window: ArrivalWindow;
}

/**
 * The watch folder (docs/operations.md, Watch folder): every cycle it finishes ingests a stopped
 * process left behind, scans each watched subfolder, lets files settle (WATCH_SETTLE_S), gathers
 * what settles within WATCH_WINDOW_S into one batch and ingests it (ingest.ts). One cycle at a
 * time; `cycle` takes the clock's `now`, so tests drive it without sleeping.
 */
export class Watcher {
  private readonly states = new Map<string, FolderState>();
  private readonly retryAt = new Map<string, number>();
  private readonly status: WatchStatus;

  constructor(
    private readonly ctx: AppContext,
    private readonly root: string,
    private readonly hooks: IngestHooks = {},
  ) {
    fs.mkdirSync(root, { recursive: true, mode: PRIVATE_DIR_MODE });
    this.status = { enabled: true, dir: root, owner: null, folders: [], unmapped: [], problems: [], last_batch: null, batches: 0, refused: 0, checked_at: null };
  }

  async cycle(): Promise<void> {
    const now = this.ctx.clock.now();
    const map = watchedFolders(this.ctx, this.root);
    const owner = findWatchOwner(this.ctx.db, this.ctx.config.WATCH_OWNER);
    this.status.owner = owner?.email ?? null;
    this.status.problems = [...map.problems];
    if (!owner) this.status.problems.push(this.ctx.config.WATCH_OWNER ? `WATCH_OWNER ${this.ctx.config.WATCH_OWNER} is not an active user.` : "No active admin to own the batches yet.");
    this.status.unmapped = map.unmapped;
    this.status.folders = [];
    for (const folder of map.folders) {
      const state = this.stateOf(folder.name);
      if (owner) await this.finishPending(folder, owner.id, now);
      const settled = state.tracker.observe(now, await scanFolder(folder.dir));
      state.window.keepOnly(settled);
      state.window.add(now, settled);
      const batch = owner ? state.window.take(now) : [];
      if (batch.length > 0) {
        const ingestId = await claimFiles(folder, batch);
        state.tracker.forget(batch);
        await this.ingest(folder, ingestId, owner!.id, true, now);
      }
      this.status.folders.push({ name: folder.name, pipelines: folder.pipelineNames, arriving: state.tracker.arriving, waiting: state.window.waiting });
    }
    this.status.checked_at = new Date(now).toISOString();
    publishWatchStatus(this.status);
  }

  private stateOf(name: string): FolderState {
    let state = this.states.get(name);
    if (!state) {
      state = {
        tracker: new SettleTracker(this.ctx.config.WATCH_SETTLE_S * 1000),
        window: new ArrivalWindow(this.ctx.config.WATCH_WINDOW_S * 1000, this.ctx.config.MAX_FILES_PER_BATCH),
      };
      this.states.set(name, state);
    }
    return state;
  }

  /** Ingests a stopped process left in `.processing/` (or that could not be made before) are run again. */
  private async finishPending(folder: WatchedFolder, owner: string, now: number): Promise<void> {
    for (const ingestId of pendingIngests(folder)) {
      if ((this.retryAt.get(ingestId) ?? 0) > now) continue;
      await this.ingest(folder, ingestId, owner, false, now);
    }
  }

  private async ingest(folder: WatchedFolder, ingestId: string, owner: string, fresh: boolean, now: number): Promise<void> {
    try {
      const outcome = await ingestClaimed(this.ctx, folder, ingestId, owner, { fresh, hooks: this.hooks });
      this.retryAt.delete(ingestId);
      this.status.refused += outcome.refused;
      if (outcome.batchId) {
        this.status.batches += 1;
        this.status.last_batch = { id: outcome.batchId, name: outcome.batchName!, folder: folder.name, files: outcome.accepted, refused: outcome.refused, at: new Date(now).toISOString() };
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (isRetryable(error)) {
        this.retryAt.set(ingestId, now + RETRY_AFTER_MS);
        this.status.problems.push(`${folder.name}: a batch could not be made yet (${message}); trying again in ${RETRY_AFTER_MS / 1000} s.`);
        this.ctx.log.warn({ err: error, folder: folder.name, ingestId }, "watch folder: ingest postponed");
        return;
      }
      this.status.refused += await refuseIngest(folder, ingestId, message);
      this.ctx.log.warn({ folder: folder.name, ingestId, reason: message }, "watch folder: files refused");
    }
  }
}

/**
 * Starts the watcher when WATCH_DIR is set; answers the stopper (it waits for a running cycle).
 * Runs in the server process only (features/server-start.ts): one process per DATA_DIR makes
 * batches from the folder, whether or not the queue runs there too.
 */
export function startWatcher(ctx: AppContext): () => Promise<void> {
  if (!ctx.config.WATCH_DIR) return async () => undefined;
  const watcher = new Watcher(ctx, ctx.config.WATCH_DIR, watchTestHooks(ctx));
  const pollMs = Math.min(1000, Math.max(100, (ctx.config.WATCH_SETTLE_S * 1000) / 4));
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = watcher
      .cycle()
      .catch((error: unknown) => ctx.log.error({ err: error }, "watch folder: scan failed"))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, pollMs);
      });
  };
  tick();
  ctx.log.info({ dir: ctx.config.WATCH_DIR, settleS: ctx.config.WATCH_SETTLE_S, windowS: ctx.config.WATCH_WINDOW_S }, "watch folder started");
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
