/**
 * When a file dropped into the watch folder has arrived: its size and modification time have not
 * changed for the settle time (a copy still running keeps changing both). Pure bookkeeping over
 * what each scan saw, with `now` passed in, so tests set time instead of sleeping.
 */

export interface Seen {
  /** Path relative to the watched subfolder (`day1/a.png`). */
  path: string;
  size: number;
  mtimeMs: number;
}

interface Tracked {
  size: number;
  mtimeMs: number;
  /** When the size and time were first seen as they are now. */
  since: number;
}

export class SettleTracker {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly settleMs: number) {}

  /**
   * Records one scan of a folder and answers the paths that have settled, in scan order. A path
   * that was not in the scan is forgotten (moved or deleted); one that changed starts over.
   */
  observe(now: number, scan: readonly Seen[]): string[] {
    const present = new Set<string>();
    const settled: string[] = [];
    for (const file of scan) {
      present.add(file.path);
      const known = this.tracked.get(file.path);
      if (!known || known.size !== file.size || known.mtimeMs !== file.mtimeMs) {
        this.tracked.set(file.path, { size: file.size, mtimeMs: file.mtimeMs, since: now });
        continue;
      }
      if (now - known.since >= this.settleMs) settled.push(file.path);
    }
    for (const path of this.tracked.keys()) if (!present.has(path)) this.tracked.delete(path);
    return settled;
  }

  /** Files seen but not settled yet (shown on /system as arriving). */
  get arriving(): number {
    return this.tracked.size;
  }

  /** Stops tracking paths that were claimed for a batch. */
  forget(paths: readonly string[]): void {
    for (const path of paths) this.tracked.delete(path);
  }
}

/**
 * Settled files gathered into one batch: the window opens with the first arrival and closes
 * `windowMs` later (or when the batch is full); everything that settled meanwhile goes together.
 */
export class ArrivalWindow {
  private files: string[] = [];
  private openedAt = 0;

  constructor(
    private readonly windowMs: number,
    private readonly maxFiles: number,
  ) {}

  add(now: number, paths: readonly string[]): void {
    for (const path of paths) {
      if (this.files.includes(path)) continue;
      if (this.files.length === 0) this.openedAt = now;
      this.files.push(path);
    }
  }

  /** Drops files that are no longer settled (changed again, or gone) before a batch is taken. */
  keepOnly(settled: readonly string[]): void {
    const still = new Set(settled);
    this.files = this.files.filter((path) => still.has(path));
  }

  /** The files whose window has closed, at most maxFiles; the rest wait for the next batch. */
  take(now: number): string[] {
    if (this.files.length === 0) return [];
    if (now - this.openedAt < this.windowMs && this.files.length < this.maxFiles) return [];
    const batch = this.files.slice(0, this.maxFiles);
    this.files = this.files.slice(this.maxFiles);
    this.openedAt = now;
    return batch;
  }

  get waiting(): number {
    return this.files.length;
  }
}
