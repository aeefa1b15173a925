"use client";

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
  const at = limits.reset_at ? new Date(limits.reset_at).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" }) : null;
  if (limits.remaining === 0) {
    return (
      <p role="status" data-testid="rate-limit" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200">
        Upload limit reached ({limits.limit} {windowText(limits.window_seconds!)}).{at ? ` The next upload is possible at ${at}.` : ""}
      </p>
    );
  }
  return (
    <p data-testid="rate-limit" className="text-xs text-slate-600 dark:text-slate-400">
      {limits.remaining} of {limits.limit} uploads left {windowText(limits.window_seconds!)}
      {at && limits.remaining < limits.limit ? ` · one more frees up at ${at}` : ""}.
    </p>
  );
}
