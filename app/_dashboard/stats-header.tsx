"use client";

import type { BatchStats } from "./api";

interface Props {
  stats: BatchStats | undefined;
  error: Error | undefined;
}

/** Running, queued, completed today, failures, files per minute and crash rate at a glance. */
export function StatsHeader({ stats, error }: Props) {
  if (error && !stats) {
    return <p role="alert" className="rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200">Could not load queue statistics: {error.message}</p>;
  }
  const tiles = stats
    ? [
        { label: "Running", value: `${stats.queue.running} / ${stats.queue.concurrency}`, hint: "jobs now / at most" },
        { label: "Queued", value: stats.queue.depth.toLocaleString(), hint: "jobs waiting" },
        { label: "Completed today", value: stats.today.batches_completed.toLocaleString(), hint: "batches" },
        { label: "Failures (24 h)", value: stats.last_24h.failed.toLocaleString(), hint: `${stats.last_24h.completed.toLocaleString()} jobs completed` },
        { label: "Files / min", value: stats.current.files_per_min.toLocaleString(), hint: "last 10 minutes" },
        { label: "Crash rate", value: `${(stats.last_24h.crash_rate * 100).toFixed(1)}%`, hint: `${stats.last_24h.crashed} crashed runs (24 h)` },
      ]
    : null;
  return (
    <section aria-label="Queue statistics" aria-busy={!stats} className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6">
      {tiles
        ? tiles.map((t) => (
            <div key={t.label} className="rounded-lg border border-slate-200 bg-white px-3 py-2 dark:border-slate-800 dark:bg-slate-900">
              <p className="text-xs font-medium text-slate-500 dark:text-slate-400">{t.label}</p>
              <p className="text-xl font-semibold tabular-nums" data-testid={`stat-${t.label.toLowerCase().replace(/[^a-z]+/g, "-")}`}>{t.value}</p>
              <p className="truncate text-xs text-slate-500 dark:text-slate-400">{t.hint}</p>
            </div>
          ))
        : Array.from({ length: 6 }, (_, i) => <div key={i} className="h-[74px] animate-pulse rounded-lg bg-slate-200 dark:bg-slate-800" />)}
    </section>
  );
}
