import type { AppContext } from "@/features/shared/context";
import { liveFeed, type LiveFeed, type Subscriber } from "./feed";
import { retryFrame } from "./frames";

const RECONNECT_MS = 3_000;

/**
 * GET /api/events: one client's event stream. Frames queue in the stream up to LIVE_BUFFER_KB; a
 * client that lets more pile up is dropped (it reconnects with Last-Event-ID and catches up from
 * the feed's ring) rather than buffered without limit. The stream ends when the client goes away.
 */
export function openEventStream(ctx: AppContext, request: Request, feed: LiveFeed = liveFeed(ctx)): Response {
  feed.assertRoom();
  const lastEventId = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("last_event_id");
  const encoder = new TextEncoder();
  let subscriber: Subscriber | undefined;
  let closed = false;

  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const end = (how: "dropped" | "gone") => {
          if (closed) return;
          closed = true;
          if (subscriber) feed.unsubscribe(subscriber);
          if (how === "dropped") {
            ctx.log.warn({ buffered: -(controller.desiredSize ?? 0) }, "live client too slow; dropped (it reconnects and resumes)");
            controller.close();
          }
        };
        subscriber = {
          send(frame) {
            if (closed) return false;
            controller.enqueue(encoder.encode(frame));
            if ((controller.desiredSize ?? 0) >= 0) return true;
            end("dropped");
            return false;
          },
        };
        const first = feed.subscribe(subscriber, lastEventId);
        for (const frame of [retryFrame(RECONNECT_MS), ...first]) subscriber.send(frame);
        request.signal.addEventListener("abort", () => end("gone"), { once: true });
      },
      cancel() {
        closed = true;
        if (subscriber) feed.unsubscribe(subscriber);
      },
    },
    { highWaterMark: ctx.config.LIVE_BUFFER_KB * 1024, size: (chunk) => chunk.byteLength },
  );
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      // no-transform: compression would hold frames back until a buffer fills.
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
    },
  });
}
