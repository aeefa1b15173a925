import type { RateLimit } from "./config";

/**
 * In-process limits for expensive work: Slots bounds how much runs at once (image work that would
 * otherwise take every core and every libuv thread), WindowLimiter how often one key may ask.
 * Neither survives a restart, which is fine for what they guard: nothing here is stored.
 */

/** At most `size` holders at once; up to `maxWaiting` more wait their turn in order. */
export class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly size: number,
    readonly maxWaiting = 0,
  ) {}

  /** A slot now, or undefined when all are taken. */
  tryTake(): (() => void) | undefined {
    if (this.running >= this.size) return undefined;
    this.running++;
    return this.releaser();
  }

  /** A slot once one frees; undefined at once when the queue is full too. */
  take(): Promise<(() => void) | undefined> {
    const now = this.tryTake();
    if (now) return Promise.resolve(now);
    if (this.waiting.length >= this.maxWaiting) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.push(() => resolve(this.releaser())));
  }

  get inUse(): number {
    return this.running;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight on: running stays the same
      else this.running--;
    };
  }
}

/** A sliding window per key: `limit.max` hits per `limit.windowMs`; null = unlimited. */
export class WindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly limit: RateLimit) {}

  /** Counts a hit; returns 0 when allowed, else the seconds until one is. A refused hit does not count. */
  hit(key: string, now: number): number {
    if (!this.limit) return 0;
    const since = now - this.limit.windowMs;
    const recent = (this.hits.get(key) ?? []).filter((at) => at > since);
    if (recent.length >= this.limit.max) {
      this.hits.set(key, recent);
      return Math.max(1, Math.ceil((recent[0]! + this.limit.windowMs - now) / 1000));
    }
    recent.push(now);
    this.hits.set(key, recent);
    return 0;
  }
}
