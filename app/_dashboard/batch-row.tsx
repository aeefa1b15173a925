"use client";

import Link from "next/link";
import useSWR from "swr";
import { fetcher } from "@/app/_shared/api";
import { formatBytes, formatDateTime } from "@/app/_shared/format";
import { isActive, type BatchDetail, type BatchSummary } from "./api";
import { BatchControls } from "./batch-controls";
import { BatchName } from "./batch-name";
import { FilesList } from "./files-list";
import { ProgressBar } from "./progress";
import { expiresIn, STATUS_STYLE, statusLabel } from "./status";
import type { Command } from "./use-actions";
import { useLiveBatch, usePollInterval } from "./use-live";

export function StatusBadge({ batch }: { batch: Pick<BatchSummary, "status" | "failed_jobs" | "receiving"> }) {
  const style = batch.status === "completed" && batch.failed_jobs > 0 ? STATUS_STYLE.paused : STATUS_STYLE[batch.status];
  return (
    <span className={`whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style}`} data-testid="status-badge" title={batch.receiving ? "Files are processed as they arrive" : undefined}>
      {statusLabel(batch)}
    </span>
  );
}

interface Props {
  batch: BatchSummary;
  expanded: boolean;
  onToggle: () => void;
  run: (batch: BatchSummary, command: Command) => Promise<boolean>;
  /** Ticked for a bulk action; rows without onSelect (the batch page) show no checkbox. */
  selected?: boolean;
  onSelect?: (selected: boolean) => void;
}

/** One batch: a summary line that expands (aria-expanded) to its files, one row per file. */
export function BatchRow({ batch, expanded, onToggle, run, selected = false, onSelect }: Props) {
  const panelId = `batch-${batch.id}-files`;
  const expiry = expiresIn(batch.expires_at);
  return (
    <li className="rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900" data-testid="batch-row" data-batch-id={batch.id} data-status={batch.status}>
      <div className="flex flex-col gap-2 p-3">
        {/* On a phone the badge goes under the name, which keeps the width to show it whole. */}
        <div className="flex flex-col gap-1 sm:flex-row sm:items-start sm:gap-2">
          {onSelect && (
            <input
              type="checkbox"
              checked={selected}
              onChange={(e) => onSelect(e.target.checked)}
              aria-label={`Select ${batch.base_directory_name}`}
              className="mt-1 h-4 w-4 shrink-0 self-start accent-sky-600"
            />
          )}
          <button type="button" onClick={onToggle} aria-expanded={expanded} aria-controls={panelId} className="flex min-w-0 flex-1 items-start gap-2 rounded text-left">
            <svg aria-hidden viewBox="0 0 20 20" fill="currentColor" className={`mt-0.5 h-4 w-4 shrink-0 text-slate-400 transition-transform ${expanded ? "rotate-90" : ""}`}>
              <path fillRule="evenodd" d="M7.2 14.8a1 1 0 0 1 0-1.4L10.6 10 7.2 6.6a1 1 0 1 1 1.4-1.4l4.1 4.1a1 1 0 0 1 0 1.4l-4.1 4.1a1 1 0 0 1-1.4 0Z" clipRule="evenodd" />
            </svg>
            <span className="min-w-0">
              <BatchName name={batch.base_directory_name} className="text-sm font-semibold" />
              <span className="block truncate text-sm text-slate-600 dark:text-slate-400">{batch.description || "No description"}</span>
            </span>
          </button>
          <span className="ml-6 sm:ml-0">
            <StatusBadge batch={batch} />
          </span>
        </div>
        <ProgressBar batch={batch} />
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
          <span>
            {batch.receiving?.expected ? `${batch.total_files} of ${batch.receiving.expected} files arrived` : `${batch.total_files} file${batch.total_files === 1 ? "" : "s"}`} ·{" "}
            {formatBytes(batch.total_size)}
          </span>
          <span>Created {formatDateTime(batch.created_at)}</span>
          {batch.pinned ? <span>Pinned</span> : expiry && <span>{expiry}</span>}
          <Link href={`/batches/${batch.id}`} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
            Details<span className="sr-only"> of {batch.base_directory_name}</span>
          </Link>
        </div>
        <BatchControls batch={batch} run={run} />
      </div>
      {expanded && (
        <div id={panelId} className="border-t border-slate-200 dark:border-slate-800">
          <BatchFiles batch={batch} run={run} />
        </div>
      )}
    </li>
  );
}

/** Busy while the loaded detail is active; before it loads, while the row says so. */
const filesBusy = (data: BatchDetail | undefined, rowActive: boolean) => (data ? isActive(data) : rowActive);

function BatchFiles({ batch, run }: { batch: BatchSummary; run: Props["run"] }) {
  const live = useLiveBatch(batch.id);
  const refreshInterval = usePollInterval(live, filesBusy, isActive(batch));
  const { data, error, mutate } = useSWR<BatchDetail>(`/api/batches/${batch.id}`, fetcher, { refreshInterval });
  if (error && !data) return <p role="alert" className="px-3 py-3 text-sm text-rose-700 dark:text-rose-300">Could not load the files: {error.message}</p>;
  if (!data) return <div className="space-y-2 p-3" aria-busy="true" aria-label="Loading files">{[0, 1, 2].map((i) => <div key={i} className="h-10 animate-pulse rounded bg-slate-100 dark:bg-slate-800" />)}</div>;
  return <FilesList jobs={data.jobs} onRetry={async (job) => (await run(batch, { kind: "retry-job", jobId: job.id })) && mutate()} />;
}
