import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";
import { pauseBatch } from "@/features/batches/controls";
import { refreshBatch } from "@/features/queue/batch-status";
import { appEvents } from "@/features/shared/events";
import { addBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { LiveFeed, type Subscriber } from "./feed";
import { parseEventId } from "./frames";
import { openEventStream } from "./stream";

let ctx: TestContext;
const feeds: LiveFeed[] = [];
afterEach(() => {
  for (const feed of feeds.splice(0)) for (const s of listeners.splice(0)) feed.unsubscribe(s);
  ctx?.cleanup();
});

const listeners: Subscriber[] = [];

/** A client that keeps every event it gets, parsed (a write may carry several frames). */
function listen(feed: LiveFeed, lastEventId?: string) {
  const events: { id: string; type: string; data: Record<string, unknown> }[] = [];
  const frames: string[] = [];
  const subscriber: Subscriber = {
    send(chunk) {
      frames.push(chunk);
      for (const match of chunk.matchAll(/^id: (.+)\nevent: (.+)\ndata: (.+)\n\n/gm)) events.push({ id: match[1]!, type: match[2]!, data: JSON.parse(match[3]!) });
      return true;
    },
  };
  listeners.push(subscriber);
  for (const frame of feed.subscribe(subscriber, lastEventId)) subscriber.send(frame);
  return { events, frames, subscriber, of: (type: string) => events.filter((e) => e.type === type) };
}

function newFeed(env: Record<string, string> = {}) {
  ctx = createTestContext({ LIVE_POLL_MS: "600000", ...env });
  const feed = new LiveFeed(ctx);
  feeds.push(feed);
  return feed;
}

describe("live feed", () => {
  it("pushes a changed batch once, with its summary, and the queue's depth", () => {
    const feed = newFeed();
    const client = listen(feed);
    expect(client.of("hello")).toHaveLength(1);
    const { batchId } = addBatch(ctx, { files: 3 });

    feed.poll();
    feed.poll();

    expect(client.of("batch").map((e) => [e.data.id, e.data.status, e.data.total_jobs])).toEqual([[batchId, "pending", 3]]);
    expect(client.of("queue").at(-1)!.data).toEqual({ depth: 3, running: 0 });

    ctx.clock.advance(10);
    pauseBatch(ctx, batchId);
    feed.poll();
    expect(client.of("batch").map((e) => e.data.status)).toEqual(["pending", "paused"]);
  });

  it("sees what another connection (a separate worker process) commits, with one look per interval for all clients", () => {
    const feed = newFeed();
    const clients = Array.from({ length: 50 }, () => listen(feed));
    const other = openDatabase(path.join(ctx.config.dataDir, "db.sqlite"));
    try {
      const { batchId } = addBatch({ ...ctx, db: other });
      ctx.clock.advance(5);
      other.$client.prepare("UPDATE jobs SET status = 'completed', completed_at = ? WHERE batch_id = ?").run(ctx.clock.now(), batchId);
      refreshBatch(other.$client, batchId, ctx.clock.now());

      feed.poll();

      expect(feed.polls).toBe(1);
      for (const client of clients) expect(client.of("batch").map((e) => e.data.status)).toEqual(["completed"]);
    } finally {
      other.$client.close();
    }
  });

  it("pushes runs that ended as job events, and deleted batches", () => {
    const feed = newFeed();
    const client = listen(feed);
    const { batchId, jobIds } = addBatch(ctx);
    const now = ctx.clock.now();
    ctx.db.$client
      .prepare("INSERT INTO attempts (job_id, batch_id, worker_id, attempt_number, started_at, finished_at, outcome, error, duration_ms) VALUES (?, ?, 'w', 1, ?, ?, 'failed', 'Boom.', 5)")
      .run(jobIds[0], batchId, now - 5, now);
    appEvents().emit("batch:deleted", { batchId: "gone-1" });

    feed.poll();

    expect(client.of("job").map((e) => e.data)).toEqual([
      { id: jobIds[0], batch_id: batchId, outcome: "failed", error: "Boom.", attempt: 1, finished_at: new Date(now).toISOString() },
    ]);
    expect(client.of("batch.deleted").map((e) => e.data)).toEqual([{ id: "gone-1" }]);
  });

  it("sends each client one write per look, however many events the look found", () => {
    const feed = newFeed();
    const client = listen(feed);
    const before = client.frames.length;
    for (let i = 0; i < 5; i++) addBatch(ctx);

    feed.poll();

    expect(client.frames.length - before).toBe(1);
    expect(client.of("batch")).toHaveLength(5);
    expect(client.of("queue")).toHaveLength(1);
  });

  it("a reconnect with Last-Event-ID gets what it missed; an unknown or too old id gets reset", () => {
    const feed = newFeed();
    const first = listen(feed);
    addBatch(ctx);
    feed.poll();
    const seen = first.events.find((e) => e.type === "hello")!.id;
    addBatch(ctx);
    ctx.clock.advance(5);
    feed.poll();

    const resumed = listen(feed, seen);
    const missed = first.events.filter((e) => parseEventId(e.id)!.seq > parseEventId(seen)!.seq).map((e) => e.id);
    expect(resumed.events.filter((e) => e.type !== "hello").map((e) => e.id)).toEqual(missed);
    expect(missed.length).toBeGreaterThan(0);

    expect(listen(feed, "00000000-3").of("reset")).toHaveLength(1);
    expect(listen(feed, "not an id").of("reset")).toHaveLength(0);
  });

  it("refuses connections past LIVE_MAX_CONNECTIONS with 503", () => {
    const feed = newFeed({ LIVE_MAX_CONNECTIONS: "2" });
    listen(feed);
    listen(feed);
    expect(() => listen(feed)).toThrow(expect.objectContaining({ code: "unavailable" }));
  });

  it("drops a client that does not read, instead of buffering for it without end", async () => {
    const feed = newFeed({ LIVE_BUFFER_KB: "8" });
    const response = openEventStream(ctx, new Request("http://127.0.0.1/api/events"), feed);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(feed.size).toBe(1);
    for (let i = 0; i < 40; i++) {
      addBatch(ctx);
      ctx.clock.advance(1);
      feed.poll();
    }
    expect(feed.size).toBe(0);
    // What was queued before the drop is still there for the client, then the stream ends.
    const text = await response.text();
    expect(text).toMatch(/^retry: 3000\n\nid: [0-9a-f]{8}-0\nevent: hello\n/);
  });

  it("ends a client's subscription when its request is aborted", () => {
    const feed = newFeed();
    const controller = new AbortController();
    openEventStream(ctx, new Request("http://127.0.0.1/api/events", { signal: controller.signal }), feed);
    expect(feed.size).toBe(1);
    controller.abort();
    expect(feed.size).toBe(0);
  });
});
