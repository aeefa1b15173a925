"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { ErrorBanner } from "@/app/_shared/banner";
import { formatCount, formatPercent } from "@/app/_shared/format";
import type { BatchStats } from "./api";
import { ThroughputSparkline } from "./sparkline";

interface Props {
  stats: BatchStats | undefined;
  error: Error | undefined;
}

interface Tile {
  label: string;
  value: string;
  hint: string;
  /** A tile that is also the way to the batches it counts. */
  href?: string;
  linkText?: string;
  /** Drawn in the tile's corner (the throughput sparkline). */
  extra?: ReactNode;
}

const tileClass = "block rounded-lg border border-slate-200 bg-white px-3 py-2 dark:border-slate-800 dark:bg-slate-900";

/** Running, queued, completed today, failures, throughput and crash rate at a glance. */
export function StatsHeader({ stats, error }: Props) {
  if (error && !stats) {
    return <ErrorBanner message={`Could not load queue statistics: ${error.message}`} />;
  }
  const tiles: Tile[] | null = stats
    ? [
        { label: "Running", value: `${stats.queue.running} / ${stats.queue.concurrency}`, hint: "jobs now / at most" },
        { label: "Queued", value: formatCount(stats.queue.depth), hint: "jobs waiting" },
        { label: "Completed today", value: formatCount(stats.today.batches_completed), hint: "batches" },
        {
          label: "Failures (24 h)",
          value: formatCount(stats.last_24h.failed),
          hint: "jobs · show batches →",
          href: "/?has_failures=true",
          linkText: "Show batches with failures",
        },
        { label: "Throughput", value: `${formatCount(stats.current.files_per_min)} / min`, hint: "outputs, last 10 min", extra: <ThroughputSparkline /> },
        { label: "Crash rate", value: formatPercent(stats.last_24h.crash_rate), hint: `${stats.last_24h.crashed} crashed runs (24 h)` },
      ]
    : null;
  return (
    <section aria-label="Queue statistics" aria-busy={!stats} className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6">
      {tiles
        ? tiles.map((t) => {
            const body = (
              <>
                <p className="text-xs font-medium text-slate-500 dark:text-slate-400">{t.label}</p>
                <p className="text-xl font-semibold tabular-nums" data-testid={`stat-${t.label.toLowerCase().replace(/[^a-z]+/g, "-")}`}>{t.value}</p>
                <p className="truncate text-xs text-slate-500 dark:text-slate-400">{t.hint}</p>
              </>
            );
            return t.href ? (
              <Link key={t.label} href={t.href} title={t.linkText} className={`${tileClass} transition-colors hover:border-rose-300 hover:bg-rose-50 dark:hover:border-rose-800 dark:hover:bg-rose-950/40`}>
                {body}
                <span className="sr-only">: {t.linkText}</span>
              </Link>
            ) : (
              <div key={t.label} className={`${tileClass} relative`}>
                {body}
                {t.extra}
              </div>
            );
          })
        : Array.from({ length: 6 }, (_, i) => <div key={i} className="h-[74px] animate-pulse rounded-lg bg-slate-200 dark:bg-slate-800" />)}
    </section>
  );
}
