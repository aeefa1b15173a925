"use client";

import { ErrorBanner } from "@/app/_shared/banner";
import { formatCount, formatPercent } from "@/app/_shared/format";
import type { BatchStats } from "./api";

interface Props {
  stats: BatchStats | undefined;
  error: Error | undefined;
}

/** Running, queued, completed today, failures, files per minute and crash rate at a glance. */
export function StatsHeader({ stats, error }: Props) {
  if (error && !stats) {
    return <ErrorBanner message={`Could not load queue statistics: ${error.message}`} />;
  }
  const tiles = stats
    ? [
        { label: "Running", value: `${stats.queue.running} / ${stats.queue.concurrency}`, hint: "jobs now / at most" },
        { label: "Queued", value: formatCount(stats.queue.depth), hint: "jobs waiting" },
        { label: "Completed today", value: formatCount(stats.today.batches_completed), hint: "batches" },
        { label: "Failures (24 h)", value: formatCount(stats.last_24h.failed), hint: `${formatCount(stats.last_24h.completed)} jobs completed` },
        { label: "Files / min", value: formatCount(stats.current.files_per_min), hint: "last 10 minutes" },
        { label: "Crash rate", value: formatPercent(stats.last_24h.crash_rate), hint: `${stats.last_24h.crashed} crashed runs (24 h)` },
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
