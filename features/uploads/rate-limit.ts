import type { AppContext } from "@/features/shared/context";
import { AppError } from "@/features/shared/errors";
import { readRateWindow, recordRateEvent } from "./queries";

/**
 * UPLOAD_RATE_LIMIT (`N/hour`, ...; `off` = null) per client, as a sliding window over
 * rate_limit_events rows, so a restart does not hand out a fresh allowance. An upload is checked
 * before its body is read and its event row is inserted in the batch's own transaction (after a
 * re-check there), so concurrent uploads cannot overshoot the limit and a refused upload costs nothing.
 */

export interface RateLimitState {
  limit: number | null;
  window_seconds: number | null;
  remaining: number | null;
  /** When the oldest upload in the window leaves it, freeing one more; null when nothing is used. */
  reset_at: string | null;
}

/**
 * The client an upload counts against. There are no users yet, so it is the IP: the first hop of
 * X-Forwarded-For, which `next start` sets to the socket address when the client did not send one
 * (behind a reverse proxy, the proxy's header), else X-Real-IP, else "local".
 */
export function clientKey(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const ip = forwarded || request.headers.get("x-real-ip")?.trim() || "local";
  return `ip:${ip.replace(/^::ffff:/, "")}`;
}

export function rateLimitState(ctx: AppContext, key: string, now: number): RateLimitState {
  const limit = ctx.config.UPLOAD_RATE_LIMIT;
  if (!limit) return { limit: null, window_seconds: null, remaining: null, reset_at: null };
  const window = readRateWindow(ctx.db, key, now - limit.windowMs);
  return {
    limit: limit.max,
    window_seconds: limit.windowMs / 1000,
    remaining: Math.max(0, limit.max - window.used),
    reset_at: window.oldest === null ? null : new Date(window.oldest + limit.windowMs).toISOString(),
  };
}

/** Throws 429 with Retry-After (whole seconds until a slot frees) when the client has none left. */
export function assertWithinRateLimit(ctx: AppContext, key: string, now: number): void {
  const limit = ctx.config.UPLOAD_RATE_LIMIT;
  if (!limit) return;
  const window = readRateWindow(ctx.db, key, now - limit.windowMs);
  if (window.used < limit.max) return;
  const retryAfter = Math.max(1, Math.ceil(((window.oldest ?? now) + limit.windowMs - now) / 1000));
  throw new AppError("rate_limited", `Upload limit reached: ${limit.max} uploads per ${limit.windowMs / 1000} s. Try again in ${retryAfter} s.`, {
    details: { limit: limit.max, window_seconds: limit.windowMs / 1000, retry_after_seconds: retryAfter },
    headers: { "Retry-After": String(retryAfter) },
  });
}

/** Counts one accepted upload. Call inside the batch's transaction, after assertWithinRateLimit. */
export function recordUpload(ctx: AppContext, key: string, now: number): void {
  const limit = ctx.config.UPLOAD_RATE_LIMIT;
  if (!limit) return;
  // Rows older than the window never count again; dropping this key's keeps the table small.
  recordRateEvent(ctx.db, key, now, now - limit.windowMs);
}
