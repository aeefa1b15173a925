"use client";

import { useState } from "react";
import { formatCount } from "@/app/_shared/format";
import type { BulkAction } from "./api";
import { BulkConfirm } from "./bulk-confirm";
import type { SelectionState } from "./use-selection";

const btn =
  "inline-flex items-center rounded-md border border-slate-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-800 hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800";

/** The buttons, in the order they show; cancel and delete ask for an explicit confirmation. */
const BUTTONS: { action: BulkAction; label: string; danger?: boolean }[] = [
  { action: "pause", label: "Pause" },
  { action: "resume", label: "Resume" },
  { action: "retry", label: "Retry failed" },
  { action: "pin", label: "Pin" },
  { action: "unpin", label: "Unpin" },
  { action: "cancel", label: "Cancel", danger: true },
  { action: "delete", label: "Delete", danger: true },
];

/** Batches one ZIP may hold (the server's BULK_MAX_DOWNLOAD). */
const MAX_DOWNLOAD = 1000;

export interface BulkRequest {
  action: BulkAction;
  priority?: string;
}

interface Props {
  selection: SelectionState;
  /** Batches matching the current filter (the list's total). */
  total: number;
  /** The current filter, as the list query names it. */
  filter: Record<string, string>;
  busy: boolean;
  onRun: (request: BulkRequest, count: number) => void;
}

/**
 * Shown while batches are selected: how many, "select all N matching this filter", and the
 * actions. Every action is confirmed with the count first.
 */
export function BulkBar({ selection, total, filter, busy, onRun }: Props) {
  const [pending, setPending] = useState<BulkRequest | null>(null);
  const count = selection.allMatching ? total : selection.ids.size;
  if (count === 0 && !busy) return null;
  const download = selection.allMatching ? `/api/batches/download?${new URLSearchParams(filter)}` : `/api/batches/download?ids=${[...selection.ids].join(",")}`;
  const plural = count === 1 ? "batch" : "batches";

  return (
    <section aria-label="Bulk actions" data-testid="bulk-bar" aria-busy={busy} className="sticky top-2 z-10 flex flex-col gap-2 rounded-lg border border-sky-300 bg-sky-50 p-3 shadow-sm dark:border-sky-800 dark:bg-slate-900">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
        <p className="font-medium" data-testid="bulk-count" role="status">
          {busy ? `Working on ${formatCount(count)} ${plural}…` : selection.allMatching ? `All ${formatCount(count)} matching ${plural} selected` : `${formatCount(count)} selected`}
        </p>
        {!selection.allMatching && total > count && (
          <button type="button" className="font-medium text-sky-700 hover:underline dark:text-sky-400" onClick={selection.selectAllMatching}>
            Select all {formatCount(total)} matching this filter
          </button>
        )}
        <button type="button" className="font-medium text-slate-600 hover:underline dark:text-slate-300" onClick={selection.clear}>
          Clear selection
        </button>
      </div>
      <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label={`Actions for ${count} selected ${plural}`}>
        {BUTTONS.map(({ action, label, danger }) => (
          <button key={action} type="button" disabled={busy} className={`${btn} ${danger ? "text-rose-700 dark:text-rose-300" : ""}`} onClick={() => setPending({ action })}>
            {label}
          </button>
        ))}
        <label className="inline-flex items-center gap-1 text-xs text-slate-700 dark:text-slate-300">
          Priority
          <select
            value=""
            disabled={busy}
            onChange={(e) => e.target.value && setPending({ action: "priority", priority: e.target.value })}
            className="rounded-md border border-slate-300 bg-white px-1.5 py-1 text-xs dark:border-slate-600 dark:bg-slate-900"
          >
            <option value="">Set…</option>
            <option value="high">High</option>
            <option value="normal">Normal</option>
            <option value="low">Low</option>
          </select>
        </label>
        {count <= MAX_DOWNLOAD ? (
          <a className={btn} href={download} download>
            Download ZIP
          </a>
        ) : (
          <span className="text-xs text-slate-600 dark:text-slate-400">Download: at most {MAX_DOWNLOAD} batches at once</span>
        )}
      </div>
      <BulkConfirm request={pending} count={count} onClose={() => setPending(null)} onConfirm={(request) => onRun(request, count)} />
    </section>
  );
}
