"use client";

import { useEffect, useRef, useState } from "react";
import useSWR from "swr";
import { fetcher } from "@/app/_shared/api";
import { ErrorBanner } from "@/app/_shared/banner";
import { useDocumentTitle } from "@/app/_shared/document-title";
import { formatDay } from "@/app/_shared/format";
import { ThrottleBanner } from "@/app/_shared/throttle-banner";
import { isActive, type BatchPage, type BatchStats, type BatchSummary } from "./api";
import { BatchRow } from "./batch-row";
import { BulkBar } from "./bulk-bar";
import { BulkResult } from "./bulk-result";
import { NotifyToggle } from "./notify-toggle";
import { PageSelect } from "./page-select";
import { FilterBar } from "./filter-bar";
import { EmptyList, GroupToggle, InvertedRangeNote, UngroupedNote } from "./list-notes";
import { Pagination } from "./pagination";
import { StatsHeader } from "./stats-header";
import { useBatchCommands } from "./use-actions";
import { useBulkAction } from "./use-bulk";
import { useLiveList, usePollInterval } from "./use-live";
import { useSelection } from "./use-selection";
import { invertedRange, PAGE_SIZE, useFilters, type Grouping } from "./use-filters";

/**
 * The page's batches under day or customer headings, in the server's order. groupingFor() only
 * allows a grouping whose groups the sort keeps together, so no group is split; null = one list.
 */
function groupBatches(batches: BatchSummary[], by: Grouping | null) {
  if (!by) return [{ key: "all", label: null, items: batches }];
  const groups = new Map<string, BatchSummary[]>();
  for (const b of batches) {
    const key = by === "day" ? b.batch_date : b.customer_prefix;
    groups.set(key, [...(groups.get(key) ?? []), b]);
  }
  return [...groups.entries()].map(([key, items]) => ({ key, label: by === "day" ? formatDay(key) : key, items }));
}

const FINISHED = new Set(["completed", "failed", "cancelled"]);

/**
 * Overall progress of the work in flight, for the tab title; once a batch this tab saw unfinished
 * has finished and nothing else runs, a finished marker (✓) until the tab is looked at again, so a
 * background tab says the work is over.
 */
function useTitleProgress(batches: BatchSummary[] | undefined) {
  const unfinished = useRef(new Set<string>());
  const finished = useRef(false);
  const [title, setTitle] = useState<string>();
  useEffect(() => {
    for (const b of batches ?? []) {
      if (!FINISHED.has(b.status)) unfinished.current.add(b.id);
      else if (unfinished.current.delete(b.id)) finished.current = true;
    }
    const active = (batches ?? []).filter(isActive);
    const total = active.reduce((s, b) => s + b.total_jobs, 0);
    const done = active.reduce((s, b) => s + b.completed_jobs, 0);
    if (total > 0) setTitle(`(${Math.floor((done / total) * 100)}%) Batchyard`);
    else setTitle(finished.current ? "✓ Done · Batchyard" : "Batchyard");
  }, [batches]);
  useEffect(() => {
    const seen = () => {
      if (!finished.current) return;
      finished.current = false;
      setTitle((current) => (current?.startsWith("✓") ? "Batchyard" : current));
    };
    window.addEventListener("focus", seen);
    return () => window.removeEventListener("focus", seen);
  }, []);
  useDocumentTitle(title);
}

const statsBusy = (stats: BatchStats | undefined) => !!stats && (stats.queue.running > 0 || stats.queue.depth > 0);
/** Busy while a batch on the page is active, or while jobs run anywhere (one may join the page). */
const listBusy = (page: BatchPage | undefined, running: boolean) => !!page?.data.some(isActive) || running;

export function Dashboard() {
  const { filters, update, apiQuery, apiFilter, hasFilters, grouping } = useFilters();
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [actionError, setActionError] = useState<string | null>(null);
  const badRange = invertedRange(filters);

  const listKey = `/api/batches?${apiQuery}`;
  const shown = useRef<BatchPage | undefined>(undefined);
  // Live events patch and refetch what changed; polling is the fallback when the stream is down.
  const live = useLiveList(listKey, shown);
  const stats = useSWR<BatchStats>("/api/batches/stats", fetcher, { refreshInterval: usePollInterval(live, statsBusy) });
  const running = (stats.data?.queue.running ?? 0) > 0;
  const list = useSWR<BatchPage>(badRange ? null : listKey, fetcher, { keepPreviousData: true, refreshInterval: usePollInterval(live, listBusy, running) });
  shown.current = list.data;
  const run = useBatchCommands(listKey, "list", setActionError);
  const selection = useSelection(JSON.stringify(apiFilter));
  const bulk = useBulkAction(selection, apiFilter, setActionError);
  useTitleProgress(list.data?.data);

  const toggle = (id: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const page = badRange ? undefined : list.data;
  // The previous filters' batches stay on screen, dimmed and marked busy, until the new ones arrive.
  const stale = list.isLoading && !!page;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <h1 id="dashboard-title" className="text-2xl font-semibold">Batches</h1>
        <div className="flex flex-wrap items-center gap-2">
          <NotifyToggle />
          <GroupToggle filters={filters} grouping={grouping} update={update} />
        </div>
      </div>
      <StatsHeader stats={stats.data} error={stats.error} />
      <ThrottleBanner throttled={stats.data?.queue.throttled} />
      <FilterBar filters={filters} prefixes={stats.data?.customer_prefixes ?? []} update={update} hasFilters={hasFilters} />
      {page && <BulkBar selection={selection} total={page.total} filter={apiFilter} busy={bulk.busy} onRun={bulk.run} />}
      {bulk.report && <BulkResult report={bulk.report} onDismiss={bulk.dismiss} />}
      {actionError && <ErrorBanner message={actionError} onDismiss={() => setActionError(null)} />}
      {list.error && !badRange && <ErrorBanner message={`Could not load batches: ${list.error.message}`} onRetry={() => list.mutate()} />}
      {badRange && <InvertedRangeNote filters={filters} update={update} />}

      {!page && !list.error && !badRange && (
        <ul aria-busy="true" aria-label="Loading batches" className="space-y-2">
          {Array.from({ length: 4 }, (_, i) => <li key={i} className="h-28 animate-pulse rounded-lg bg-slate-200 dark:bg-slate-800" />)}
        </ul>
      )}
      {page && page.data.length === 0 && <EmptyList hasFilters={hasFilters} update={update} />}
      {page && page.data.length > 0 && (
        <div className={`space-y-5 transition-opacity ${stale ? "opacity-60" : ""}`} aria-live="off" aria-busy={stale} data-testid="batch-list" data-query={apiQuery} data-live={live}>
          <PageSelect ids={page.data.map((b) => b.id)} selection={selection} />
          {!grouping && <UngroupedNote filters={filters} update={update} />}
          {groupBatches(page.data, grouping).map((group) => (
            <section key={group.key} aria-label={group.label ?? "Batches"}>
              {group.label && (
                <h2 className="mb-2 text-sm font-semibold text-slate-500 dark:text-slate-400">
                  {group.label} <span className="font-normal">· {group.items.length}</span>
                </h2>
              )}
              <ul className="space-y-2">
                {group.items.map((b) => (
                  <BatchRow
                    key={b.id}
                    batch={b}
                    expanded={expanded.has(b.id)}
                    onToggle={() => toggle(b.id)}
                    run={run}
                    selected={selection.allMatching || selection.ids.has(b.id)}
                    onSelect={(on) =>
                      // Unticking one of "all matching" keeps the rest of this page ticked.
                      selection.allMatching && !on ? selection.setMany(page.data.map((x) => x.id).filter((id) => id !== b.id), true) : selection.toggle(b.id, on)
                    }
                  />
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
