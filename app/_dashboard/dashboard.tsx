"use client";

import { useEffect, useState } from "react";
import useSWR from "swr";
import { fetcher } from "@/app/_shared/api";
import { ErrorBanner } from "@/app/_shared/banner";
import { formatDay } from "@/app/_shared/format";
import { isActive, pollInterval, type BatchPage, type BatchStats, type BatchSummary } from "./api";
import { BatchRow } from "./batch-row";
import { FilterBar } from "./filter-bar";
import { Pagination } from "./pagination";
import { StatsHeader } from "./stats-header";
import { useBatchCommands } from "./use-actions";
import { PAGE_SIZE, useFilters } from "./use-filters";

function groupBatches(batches: BatchSummary[], by: "day" | "customer") {
  const groups = new Map<string, BatchSummary[]>();
  for (const b of batches) {
    const key = by === "day" ? b.batch_date : b.customer_prefix;
    groups.set(key, [...(groups.get(key) ?? []), b]);
  }
  return [...groups.entries()].map(([key, items]) => ({ key, label: by === "day" ? formatDay(key) : key, items }));
}

/** Overall progress of the work in flight, for the tab title. */
function useTitleProgress(batches: BatchSummary[] | undefined) {
  useEffect(() => {
    const active = (batches ?? []).filter(isActive);
    const total = active.reduce((s, b) => s + b.total_jobs, 0);
    const done = active.reduce((s, b) => s + b.completed_jobs + b.failed_jobs + b.cancelled_jobs, 0);
    document.title = total > 0 ? `(${Math.floor((done / total) * 100)}%) Batchyard` : "Batchyard";
  }, [batches]);
}

export function Dashboard() {
  const { filters, update, apiQuery, hasFilters } = useFilters();
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [actionError, setActionError] = useState<string | null>(null);

  const stats = useSWR<BatchStats>("/api/batches/stats", fetcher, {
    refreshInterval: (s) => pollInterval(!!s && (s.queue.running > 0 || s.queue.depth > 0)),
  });
  const listKey = `/api/batches?${apiQuery}`;
  const list = useSWR<BatchPage>(listKey, fetcher, {
    keepPreviousData: true,
    refreshInterval: (page) => pollInterval(!!page?.data.some(isActive) || (stats.data?.queue.running ?? 0) > 0),
  });
  const run = useBatchCommands(listKey, "list", setActionError);
  useTitleProgress(list.data?.data);

  const toggle = (id: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const page = list.data;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <h1 id="dashboard-title" className="text-2xl font-semibold">Batches</h1>
        <div role="group" aria-label="Group batches by" className="inline-flex overflow-hidden rounded-md border border-slate-300 text-xs font-medium dark:border-slate-700">
          {(["day", "customer"] as const).map((g) => (
            <button key={g} type="button" aria-pressed={filters.group === g} onClick={() => update({ group: g === "day" ? null : g, page: filters.page })} className={`px-3 py-1.5 ${filters.group === g ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900" : "hover:bg-slate-100 dark:hover:bg-slate-800"}`}>
              By {g}
            </button>
          ))}
        </div>
      </div>
      <StatsHeader stats={stats.data} error={stats.error} />
      <FilterBar filters={filters} prefixes={stats.data?.customer_prefixes ?? []} update={update} hasFilters={hasFilters} />
      {actionError && <ErrorBanner message={actionError} onDismiss={() => setActionError(null)} />}
      {list.error && <ErrorBanner message={`Could not load batches: ${list.error.message}`} onRetry={() => list.mutate()} />}

      {!page && !list.error && (
        <ul aria-busy="true" aria-label="Loading batches" className="space-y-2">
          {Array.from({ length: 4 }, (_, i) => <li key={i} className="h-28 animate-pulse rounded-lg bg-slate-200 dark:bg-slate-800" />)}
        </ul>
      )}
      {page && page.data.length === 0 && (
        <div className="rounded-lg border border-dashed border-slate-300 p-8 text-center dark:border-slate-700">
          {hasFilters ? (
            <>
              <p className="font-medium">No batches match these filters.</p>
              <button type="button" onClick={() => update({ status: null, customer_prefix: null, priority: null, q: null, date_from: null, date_to: null })} className="mt-2 text-sm font-medium text-sky-700 hover:underline dark:text-sky-400">Clear filters</button>
            </>
          ) : (
            <>
              <p className="font-medium">No batches yet.</p>
              <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
                Drop a folder of images on the <a href="/upload" className="font-medium text-sky-700 hover:underline dark:text-sky-400">upload page</a> to start one.
              </p>
            </>
          )}
        </div>
      )}
      {page && page.data.length > 0 && (
        <div className="space-y-5" aria-live="off">
          {groupBatches(page.data, filters.group).map((group) => (
            <section key={group.key} aria-label={group.label}>
              <h2 className="mb-2 text-sm font-semibold text-slate-500 dark:text-slate-400">
                {group.label} <span className="font-normal">· {group.items.length}</span>
              </h2>
              <ul className="space-y-2">
                {group.items.map((b) => (
                  <BatchRow key={b.id} batch={b} expanded={expanded.has(b.id)} onToggle={() => toggle(b.id)} run={run} />
                ))}
              </ul>
            </section>
          ))}
          <Pagination page={filters.page} pageSize={PAGE_SIZE} total={page.total} onPage={(p) => update({ page: p })} />
        </div>
      )}
    </div>
  );
}
