"use client";

import { useEffect, useState } from "react";
import { CLEARED, invertedRange, type FilterChanges, type Filters } from "./use-filters";

const STATUSES = ["pending", "processing", "paused", "completed", "failed", "cancelled"];
export const SORTS: [string, string][] = [
  ["created_at", "Created"],
  ["batch_date", "Batch date"],
  ["base_directory_name", "Name"],
  ["priority", "Priority"],
  ["status", "Status"],
  ["total_files", "Files"],
  ["total_size", "Size"],
  ["progress", "Progress"],
];

const field = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900";
const label = "flex flex-col gap-1 text-xs font-medium text-slate-600 dark:text-slate-400";
const invalid = "border-rose-500 dark:border-rose-500";
const chip = "rounded-full border px-3 py-1 text-xs font-medium transition-colors";
const chipOn = "border-sky-600 bg-sky-600 text-white dark:border-sky-400 dark:bg-sky-500 dark:text-slate-950";
const chipOff = "border-slate-300 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800";

interface Props {
  filters: Filters;
  prefixes: string[];
  update: (changes: FilterChanges, mode?: "push" | "replace") => void;
  hasFilters: boolean;
}

export function FilterBar({ filters, prefixes, update, hasFilters }: Props) {
  const [text, setText] = useState(filters.q);
  // Follow the URL when it changes from outside (back button, a shared link).
  useEffect(() => setText(filters.q), [filters.q]);
  useEffect(() => {
    if (text.trim() === filters.q) return;
    const timer = setTimeout(() => update({ q: text.trim() }, "replace"), 300);
    return () => clearTimeout(timer);
  }, [text, filters.q, update]);

  const toggleStatus = (s: string) =>
    update({ status: filters.status.includes(s) ? filters.status.filter((x) => x !== s) : [...filters.status, s] });
  const badRange = invertedRange(filters);
  const rangeA11y = badRange ? { "aria-invalid": true, "aria-describedby": "date-range-problem" } : {};

  return (
    <section aria-label="Filters" className="space-y-3 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
      <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label="Status">
        {STATUSES.map((s) => {
          const on = filters.status.includes(s);
          return (
            <button key={s} type="button" aria-pressed={on} onClick={() => toggleStatus(s)} className={`${chip} capitalize ${on ? chipOn : `${chipOff} text-slate-700 dark:text-slate-300`}`}>
              {s}
            </button>
          );
        })}
        <span aria-hidden className="mx-1 h-5 w-px bg-slate-300 dark:bg-slate-700" />
        {/* Failures cut across statuses: a completed batch can have some. */}
        <button
          type="button"
          aria-pressed={filters.has_failures}
          onClick={() => update({ has_failures: !filters.has_failures })}
          title="Batches with at least one failed file, whatever their status"
          className={`${chip} ${filters.has_failures ? "border-rose-600 bg-rose-600 text-white dark:border-rose-400 dark:bg-rose-500 dark:text-slate-950" : `${chipOff} text-rose-700 dark:text-rose-300`}`}
        >
          Has failures
        </button>
        {hasFilters && (
          <button type="button" onClick={() => update(CLEARED)} className="ml-auto text-xs font-medium text-sky-700 underline-offset-2 hover:underline dark:text-sky-400">
            Clear filters
          </button>
        )}
      </div>
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-7">
        <label className={`${label} col-span-2 sm:col-span-3 lg:col-span-2`}>
          Search
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Batch, description or file name" className={field} />
        </label>
        <label className={label}>
          Customer
          <select value={filters.customer_prefix} onChange={(e) => update({ customer_prefix: e.target.value })} className={field}>
            <option value="">All customers</option>
            {[...new Set([...prefixes, ...(filters.customer_prefix ? [filters.customer_prefix] : [])])].map((p) => (
              <option key={p} value={p}>{p}</option>
            ))}
          </select>
        </label>
        <label className={label}>
          Priority
          <select value={filters.priority} onChange={(e) => update({ priority: e.target.value })} className={field}>
            <option value="">Any priority</option>
            <option value="high">High</option>
            <option value="normal">Normal</option>
            <option value="low">Low</option>
          </select>
        </label>
        <label className={label}>
          From
          <input type="date" value={filters.date_from} max={filters.date_to || undefined} onChange={(e) => update({ date_from: e.target.value })} className={`${field} ${badRange ? invalid : ""}`} {...rangeA11y} />
        </label>
        <label className={label}>
          To
          <input type="date" value={filters.date_to} min={filters.date_from || undefined} onChange={(e) => update({ date_to: e.target.value })} className={`${field} ${badRange ? invalid : ""}`} {...rangeA11y} />
        </label>
        <div className="col-span-2 flex items-end gap-1 sm:col-span-1">
          <label className={`${label} flex-1`}>
            Sort by
            <select value={filters.sort_by} onChange={(e) => update({ sort_by: e.target.value })} className={field}>
              {SORTS.map(([value, text]) => (
                <option key={value} value={value}>{text}</option>
              ))}
            </select>
          </label>
          <button
            type="button"
            onClick={() => update({ sort_order: filters.sort_order === "asc" ? "desc" : "asc" })}
            aria-label={`Sort order: ${filters.sort_order === "asc" ? "ascending" : "descending"}. Switch order`}
            className={`${field} font-mono`}
          >
            {filters.sort_order === "asc" ? "↑" : "↓"}
          </button>
        </div>
      </div>
    </section>
  );
}
