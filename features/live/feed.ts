import { randomBytes } from "node:crypto";
import { toBatchSummary } from "@/features/batches/detail";
import { latestBatchChange, selectBatchesUpdatedSince } from "@/features/batches/queries";
import { countJobsIn } from "@/features/batches/stats-queries";
import type { AppContext } from "@/features/shared/context";
import { AppError } from "@/features/shared/errors";
import { appEvents } from "@/features/shared/events";
import { commentFrame, eventFrame, parseEventId } from "./frames";
import { selectRunsFinishedSince } from "./queries";

/**
 * The live feed behind GET /api/events (docs/api.md, Live updates). ONE reader per server process
 * looks at the database every LIVE_POLL_MS while at least one client listens, whatever the number of
 * clients: batches whose updated_at moved (every job transition refreshes its batch, in any process,
 * so a separate `npm run worker` is seen too), runs that ended, and the queue's depth. Each change
 * becomes one numbered event, kept in a ring so a client that reconnects with Last-Event-ID gets
 * what it missed, or `reset` (refetch everything) when that is older than the ring. A look's events
 * reach each client as one write: a write per event per client cost 200 clients 7 % of a core and
 * slowed other requests every second (docs/benchmarks.md, Live updates).
 */

export type LiveEventType = "batch" | "batches" | "batch.deleted" | "job" | "queue";

export interface Subscriber {
  /** Writes a frame; false when the client was too slow and has been dropped. */
  send(frame: string): boolean;
}

interface Stored {
  seq: number;
  frame: string;
}

/** A commit can land up to this long after the time it stamped; the reader looks back this far. */
const OVERLAP_MS = 2_000;
/** More changed batches than this in one look is a `batches` event: refetch, rather than one event each. */
const MAX_BATCH_EVENTS = 500;
const MAX_JOB_EVENTS = 200;
const RING_SIZE = 2_000;

export class LiveFeed {
  readonly boot = randomBytes(4).toString("hex");
  private seq = 0;
  private readonly ring: Stored[] = [];
  private readonly subscribers = new Set<Subscriber>();
  private cursor = 0;
  private readonly sentBatches = new Map<string, number>();
  private readonly sentRuns = new Map<number, number>();
  private deleted: string[] = [];
  private lastQueue = "";
  /** Frames of the look in progress: sent to each client as one write when the look ends. */
  private pending: string[] | undefined;
  /** Looks at the database so far (one per interval, whatever the number of clients). */
  polls = 0;
  private timers: NodeJS.Timeout[] = [];
  private readonly onDeleted = ({ batchId }: { batchId: string }) => void this.deleted.push(batchId);

  constructor(private readonly ctx: AppContext) {}

  get size(): number {
    return this.subscribers.size;
  }

  /**
   * Adds a client and returns the frames it starts with: what it missed since `lastEventId`, or a
   * `reset`, then `hello` carrying the current id (so even a quiet connection can resume).
   */
  subscribe(subscriber: Subscriber, lastEventId?: string | null): string[] {
    this.assertRoom();
    if (this.subscribers.size === 0) this.start();
    this.subscribers.add(subscriber);
    return [...this.catchUp(parseEventId(lastEventId)), eventFrame(this.currentId(), "hello", { id: this.currentId() })];
  }

  /** 503 past LIVE_MAX_CONNECTIONS (before a response starts, so the client sees the status). */
  assertRoom(): void {
    if (this.subscribers.size >= this.ctx.config.LIVE_MAX_CONNECTIONS) {
      throw new AppError("unavailable", "Too many live connections are open; the page falls back to refreshing on its own.", { headers: { "Retry-After": "30" } });
    }
  }

  unsubscribe(subscriber: Subscriber): void {
    if (!this.subscribers.delete(subscriber)) return;
    if (this.subscribers.size === 0) this.stop();
  }

  private catchUp(last: { boot: string; seq: number } | null): string[] {
    if (!last) return [];
    const oldest = this.ring[0]?.seq ?? this.seq + 1;
    if (last.boot !== this.boot || last.seq > this.seq || last.seq < oldest - 1) return [eventFrame(this.currentId(), "reset", { reason: "missed events are no longer kept" })];
    return this.ring.filter((e) => e.seq > last.seq).map((e) => e.frame);
  }

  private currentId = () => `${this.boot}-${this.seq}`;

  private start(): void {
    this.cursor = this.ctx.clock.now();
    appEvents().on("batch:deleted", this.onDeleted);
    const { LIVE_POLL_MS, LIVE_HEARTBEAT_S } = this.ctx.config;
    this.timers = [setInterval(() => this.poll(), LIVE_POLL_MS), setInterval(() => this.heartbeat(), LIVE_HEARTBEAT_S * 1000)];
    for (const timer of this.timers) timer.unref();
  }

  private stop(): void {
    this.timers.forEach(clearInterval);
    this.timers = [];
    appEvents().off("batch:deleted", this.onDeleted);
    this.sentBatches.clear();
    this.sentRuns.clear();
    this.deleted = [];
  }

  /** One look at the database for every client (the timer calls it; tests call it directly). */
  poll(): void {
    this.polls += 1;
    this.pending = [];
    try {
      const since = this.cursor - OVERLAP_MS;
      // Runs first: a client that sees a batch complete has already seen the runs that completed it.
      let changed = this.pushRuns(since);
      changed = this.pushBatches(since) || changed;
      for (const id of this.deleted.splice(0)) {
        this.publish("batch.deleted", { id });
        changed = true;
      }
      if (changed || this.lastQueue === "") this.pushQueue();
    } catch (error) {
      this.ctx.log.error({ err: error }, "live feed could not read changes; trying again at the next interval");
    } finally {
      const frames = this.pending;
      this.pending = undefined;
      if (frames.length) this.broadcast(frames.join(""));
    }
  }

  private pushBatches(since: number): boolean {
    const sqlite = this.ctx.db.$client;
    const rows = selectBatchesUpdatedSince(sqlite, since, MAX_BATCH_EVENTS + 1);
    if (rows.length > MAX_BATCH_EVENTS) {
      this.cursor = Math.max(this.cursor, latestBatchChange(sqlite));
      this.sentBatches.clear();
      this.publish("batches", { changed: "many" });
      return true;
    }
    const now = this.ctx.clock.now();
    let changed = false;
    for (const row of rows) {
      this.cursor = Math.max(this.cursor, row.updatedAt);
      if (this.sentBatches.get(row.id) === row.updatedAt) continue;
      this.sentBatches.set(row.id, row.updatedAt);
      this.publish("batch", toBatchSummary(row, now, this.ctx.config.RETENTION_DAYS));
      changed = true;
    }
    for (const [id, at] of this.sentBatches) if (at < since) this.sentBatches.delete(id);
    return changed;
  }

  private pushRuns(since: number): boolean {
    let changed = false;
    for (const run of selectRunsFinishedSince(this.ctx.db.$client, since, MAX_JOB_EVENTS)) {
      if (this.sentRuns.has(run.id)) continue;
      this.sentRuns.set(run.id, run.finished_at);
      const data = { id: run.job_id, batch_id: run.batch_id, outcome: run.outcome, error: run.error, attempt: run.attempt_number, finished_at: new Date(run.finished_at).toISOString() };
      this.publish("job", data);
      changed = true;
    }
    for (const [id, at] of this.sentRuns) if (at < since) this.sentRuns.delete(id);
    return changed;
  }

  private pushQueue(): void {
    const sqlite = this.ctx.db.$client;
    const queue = { depth: countJobsIn(sqlite, "pending"), running: countJobsIn(sqlite, "processing") };
    const text = JSON.stringify(queue);
    if (text === this.lastQueue) return;
    this.lastQueue = text;
    this.publish("queue", queue);
  }

  private publish(type: LiveEventType, data: unknown): void {
    this.seq += 1;
    const frame = eventFrame(this.currentId(), type, data);
    this.ring.push({ seq: this.seq, frame });
    if (this.ring.length > RING_SIZE) this.ring.splice(0, this.ring.length - RING_SIZE);
    if (this.pending) this.pending.push(frame);
    else this.broadcast(frame);
  }

  private heartbeat(): void {
    this.broadcast(commentFrame(`ping ${new Date(this.ctx.clock.now()).toISOString()}`));
  }

  private broadcast(frame: string): void {
    for (const subscriber of [...this.subscribers]) {
      if (!subscriber.send(frame)) this.unsubscribe(subscriber);
    }
  }
}

const holder = globalThis as unknown as { __batchyardLiveFeed?: LiveFeed };

/** The process's one feed (on globalThis: Next.js may load route modules more than once). */
export function liveFeed(ctx: AppContext): LiveFeed {
  holder.__batchyardLiveFeed ??= new LiveFeed(ctx);
  return holder.__batchyardLiveFeed;
}
