import { findUserRole } from "@/features/auth/users";
import { parseRateLimit, type RateLimit } from "@/features/shared/config";
import type { AppContext } from "@/features/shared/context";
import { AppError } from "@/features/shared/errors";
import { readRateWindow, recordRateEvent } from "./queries";

/**
 * The upload allowance, per user, as a sliding window over rate_limit_events rows, so a restart
 * does not hand out a fresh allowance. A member gets UPLOAD_RATE_LIMIT, an admin none, unless an
 * admin set the user's own allowance on the users page. An upload is checked before its body is
 * read and its event row is inserted in the batch's own transaction (after a re-check there), so
 * concurrent uploads cannot overshoot the limit and a refused upload costs nothing.
 */

export interface Allowance {
  /** The rate_limit_events key: `user:<id>`. */
  key: string;
  limit: RateLimit;
}

export interface RateLimitState {
  limit: number | null;
  window_seconds: number | null;
  remaining: number | null;
  /** When the oldest upload in the window leaves it, freeing one more; null when nothing is used. */
  reset_at: string | null;
}

/** The allowance uploads by (or on behalf of) this user count against. */
export function uploadAllowance(ctx: AppContext, userId: string): Allowance {
  const user = findUserRole(ctx, userId);
  const own = user?.upload_allowance;
  const limit = own ? parseRateLimit(own) : user?.role === "admin" ? null : ctx.config.UPLOAD_RATE_LIMIT;
  return { key: `user:${userId}`, limit };
}

export function rateLimitState(ctx: AppContext, allowance: Allowance, now: number): RateLimitState {
  const { limit } = allowance;
  if (!limit) return { limit: null, window_seconds: null, remaining: null, reset_at: null };
  const window = readRateWindow(ctx.db, allowance.key, now - limit.windowMs);
  return {
    limit: limit.max,
    window_seconds: limit.windowMs / 1000,
    remaining: Math.max(0, limit.max - window.used),
    reset_at: window.oldest === null ? null : new Date(window.oldest + limit.windowMs).toISOString(),
  };
}

/** Throws 429 with Retry-After (whole seconds until a slot frees) when the allowance is used up. */
export function assertWithinRateLimit(ctx: AppContext, allowance: Allowance, now: number): void {
  const { limit } = allowance;
  if (!limit) return;
  const window = readRateWindow(ctx.db, allowance.key, now - limit.windowMs);
  if (window.used < limit.max) return;
  const retryAfter = Math.max(1, Math.ceil(((window.oldest ?? now) + limit.windowMs - now) / 1000));
  throw new AppError("rate_limited", `Upload limit reached: ${limit.max} uploads per ${limit.windowMs / 1000} s. Try again in ${retryAfter} s.`, {
    details: { limit: limit.max, window_seconds: limit.windowMs / 1000, retry_after_seconds: retryAfter },
    headers: { "Retry-After": String(retryAfter) },
  });
}

/** Counts one accepted upload. Call inside the batch's transaction, after assertWithinRateLimit. */
export function recordUpload(ctx: AppContext, allowance: Allowance, now: number): void {
  const { limit } = allowance;
  if (!limit) return;
  // Rows older than the window never count again; dropping this key's keeps the table small.
  recordRateEvent(ctx.db, allowance.key, now, now - limit.windowMs);
}
