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
  seconds === 3600 ? "per hour" : seconds === 86400 ? "per day" : seconds === 60 ? "per minute" : `per ${seconds} s`;

/** How many uploads this client has left, and when the next one frees up. */
export function RateLimitNote({ limits }: { limits?: Limits }) {
  if (!limits || limits.limit === null || limits.remaining === null) return null;
  const at = limits.reset_at ? formatClock(limits.reset_at) : null;
  if (limits.remaining === 0) {
    return (
      <Banner tone="warning" testId="rate-limit">
        Upload limit reached ({limits.limit} {windowText(limits.window_seconds!)}).{at ? ` The next upload is possible at ${at}.` : ""}
      </Banner>
    );
  }
  return (
    <p data-testid="rate-limit" className="text-xs text-slate-600 dark:text-slate-400">
      {limits.remaining} of {limits.limit} uploads left {windowText(limits.window_seconds!)}
      {at && limits.remaining < limits.limit ? ` · one more frees up at ${at}` : ""}.
    </p>
  );
}
