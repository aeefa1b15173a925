import { AppError } from "@/features/shared/errors";

/**
 * Uploads each user has in flight in this process. Every upload holds a connection, temp files and
 * (for JSON) a decoder until it commits; a script that opens uploads in a loop gets 429 past
 * MAX_CONCURRENT_UPLOADS instead of taking the server's share from everyone else. Tokens count for
 * the user they belong to.
 */

/** Seconds a refused client is told to wait: long enough for a typical upload to finish. */
const RETRY_AFTER_S = 5;

const holder = globalThis as unknown as { __batchyardUploadsInFlight?: Map<string, number> };
const inFlight = () => (holder.__batchyardUploadsInFlight ??= new Map());

/** Counts one more upload for `userId`, or throws 429; call the returned function when it ends. */
export function enterUpload(userId: string, max: number): () => void {
  const counts = inFlight();
  const running = counts.get(userId) ?? 0;
  if (running >= max) {
    throw new AppError("rate_limited", `You have ${running} uploads in progress; at most ${max} run at once. Try again in ${RETRY_AFTER_S} s.`, {
      details: { in_flight: running, max_concurrent: max, retry_after_seconds: RETRY_AFTER_S },
      headers: { "Retry-After": String(RETRY_AFTER_S) },
    });
  }
  counts.set(userId, running + 1);
  let left = false;
  return () => {
    if (left) return;
    left = true;
    const rest = (counts.get(userId) ?? 1) - 1;
    if (rest > 0) counts.set(userId, rest);
    else counts.delete(userId);
  };
}
