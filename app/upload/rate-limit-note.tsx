"use client";

import { Banner } from "@/app/_shared/banner";
import { formatClock } from "@/app/_shared/format";

export interface Limits {
  limit: number | null;
  window_seconds: number | null;
  remaining: number | null;
  reset_at: string | null;
}

const windowText = (seconds: number) =>
  seconds === 3600 ? "this hour" : seconds === 86400 ? "today" : seconds === 60 ? "this minute" : `in ${seconds} s`;

/**
 * The signed-in user's upload allowance, always in view beside the upload button, so the limit
 * never comes as a surprise: uploads left and when the next frees up, a warning before the last
 * one, and "no limit" for accounts without one (the first admin, by default).
 */
export function RateLimitNote({ limits }: { limits?: Limits }) {
  if (!limits) return null;
  if (limits.limit === null || limits.remaining === null) {
    return (
      <p data-testid="rate-limit" className="text-xs text-slate-600 dark:text-slate-400">
        No upload limit for your account.
      </p>
    );
  }
  const at = limits.reset_at ? formatClock(limits.reset_at) : null;
  const period = windowText(limits.window_seconds!);
  if (limits.remaining === 0) {
    return (
      <Banner tone="warning" testId="rate-limit">
        Upload limit reached: {limits.limit} uploads {period}.{at ? ` The next upload is possible at ${at}.` : ""} An admin can raise your allowance on the Users page.
      </Banner>
    );
  }
  const frees = at && limits.remaining < limits.limit ? ` · one more frees up at ${at}` : "";
  if (limits.remaining === 1 && at) {
    return (
      <Banner tone="warning" testId="rate-limit">
        1 of {limits.limit} uploads left {period}: after it, the next is possible at {at}.
      </Banner>
    );
  }
  return (
    <p data-testid="rate-limit" className="text-xs text-slate-600 dark:text-slate-400">
      {limits.remaining} of {limits.limit} uploads left {period}
      {frees}.
    </p>
  );
}
