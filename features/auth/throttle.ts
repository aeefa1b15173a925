import type { AppContext } from "@/features/shared/context";
import { AppError } from "@/features/shared/errors";
import * as q from "./queries";

/**
 * Failed sign-in and setup attempts, counted per account and per client address in a sliding
 * window: after MAX_FAILURES in WINDOW_MS the key is refused (429 + Retry-After) before any
 * password is checked. Kept in rate_limit_events, so a restart does not reset it.
 */
export const MAX_FAILURES = 10;
export const WINDOW_MS = 15 * 60_000;

export function assertNotThrottled(ctx: AppContext, keys: string[]): void {
  const now = ctx.clock.now();
  for (const key of keys) {
    const { used, oldest } = q.countEventsSince(ctx.db, key, now - WINDOW_MS);
    if (used < MAX_FAILURES) continue;
    const retryAfter = Math.max(1, Math.ceil(((oldest ?? now) + WINDOW_MS - now) / 1000));
    throw new AppError("rate_limited", `Too many failed attempts. Try again in ${Math.ceil(retryAfter / 60)} min.`, {
      details: { retry_after_seconds: retryAfter },
      headers: { "Retry-After": String(retryAfter) },
    });
  }
}

export function recordFailure(ctx: AppContext, keys: string[]): void {
  const now = ctx.clock.now();
  ctx.db.$client.transaction(() => {
    for (const key of keys) q.insertEvent(ctx.db, key, now);
  })();
}

export const clearFailures = (ctx: AppContext, key: string) => q.deleteEvents(ctx.db, key);
