/** How a batch's state reads on the dashboard: badge colours, the status in words, retention. */

export const STATUS_STYLE: Record<string, string> = {
  pending: "bg-slate-100 text-slate-700 ring-slate-300 dark:bg-slate-800 dark:text-slate-200 dark:ring-slate-600",
  processing: "bg-sky-100 text-sky-800 ring-sky-300 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-700",
  paused: "bg-amber-100 text-amber-800 ring-amber-300 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-700",
  completed: "bg-emerald-100 text-emerald-800 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-700",
  failed: "bg-rose-100 text-rose-800 ring-rose-300 dark:bg-rose-950 dark:text-rose-200 dark:ring-rose-700",
  cancelled: "bg-zinc-200 text-zinc-700 ring-zinc-300 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-600",
};

/** The status in plain words, e.g. "completed with 2 failed", "receiving 12 / 50". */
export function statusLabel(b: { status: string; failed_jobs: number; receiving?: { files: number; expected: number | null } | null }): string {
  if (b.receiving) return b.receiving.expected ? `receiving ${b.receiving.files} / ${b.receiving.expected}` : `receiving ${b.receiving.files}`;
  if (b.status === "completed" && b.failed_jobs > 0) return `completed with ${b.failed_jobs} failed`;
  return b.status;
}

/** "expires in 3 days" / "due for cleanup" / null when kept. */
export function expiresIn(iso: string | null, now = Date.now()): string | null {
  if (!iso) return null;
  const left = Date.parse(iso) - now;
  if (left <= 0) return "due for cleanup";
  const days = Math.ceil(left / 86_400_000);
  return `expires in ${days} day${days === 1 ? "" : "s"}`;
}
