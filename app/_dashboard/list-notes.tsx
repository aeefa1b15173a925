"use client";

import { formatDate } from "@/app/_shared/format";
import { SORTS } from "./filter-bar";
import { CLEARED, SORT_FOR_GROUP, type FilterChanges, type Filters, type Grouping } from "./use-filters";

type Update = (changes: FilterChanges) => void;

const GROUP_LABEL: Record<Grouping, string> = { day: "By day", customer: "By customer" };
const sortLabel = (sortBy: string) => (SORTS.find(([value]) => value === sortBy)?.[1] ?? sortBy).toLowerCase();

/**
 * "By day" / "By customer". Choosing one also picks a sort that keeps its groups together (newest
 * first for days, by name for customers); the pressed button is the grouping actually shown.
 */
export function GroupToggle({ filters, grouping, update }: { filters: Filters; grouping: Grouping | null; update: Update }) {
  const choose = (g: Grouping) => {
    const sort = SORT_FOR_GROUP[g];
    const keepsSort = g === "day" ? ["created_at", "batch_date"].includes(filters.sort_by) : filters.sort_by === sort.sort_by;
    update({ group: g === "day" ? null : g, ...(keepsSort ? { page: filters.page } : sort) });
  };
  return (
    <div role="group" aria-label="Group batches by" className="inline-flex overflow-hidden rounded-md border border-slate-300 text-xs font-medium dark:border-slate-700">
      {(["day", "customer"] as const).map((g) => (
        <button key={g} type="button" aria-pressed={grouping === g} onClick={() => choose(g)} className={`px-3 py-1.5 ${grouping === g ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900" : "hover:bg-slate-100 dark:hover:bg-slate-800"}`}>
          {GROUP_LABEL[g]}
        </button>
      ))}
    </div>
  );
}

/** Says why the list is not grouped: the chosen sort would split the groups across the page. */
export function UngroupedNote({ filters, update }: { filters: Filters; update: Update }) {
  const g = filters.group;
  return (
    <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="ungrouped-note" role="status">
      Sorted by {sortLabel(filters.sort_by)}, so the list is not grouped {g === "day" ? "by day" : "by customer"}.{" "}
      <button type="button" onClick={() => update({ group: g === "day" ? null : g, ...SORT_FOR_GROUP[g] })} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
        {g === "day" ? "Sort by date and group by day" : "Sort by name and group by customer"}
      </button>
    </p>
  );
}

/** A "From" after "To" in plain words, with the two ways out, instead of the server's refusal. */
export function InvertedRangeNote({ filters, update }: { filters: Filters; update: Update }) {
  return (
    <div id="date-range-problem" role="alert" className="rounded-lg border border-dashed border-amber-400 p-6 text-center dark:border-amber-700">
      <p className="font-medium">
        “From” ({formatDate(filters.date_from)}) is after “To” ({formatDate(filters.date_to)}), so no batch can match.
      </p>
      <div className="mt-2 flex flex-wrap justify-center gap-4 text-sm font-medium text-sky-700 dark:text-sky-400">
        <button type="button" className="hover:underline" onClick={() => update({ date_from: filters.date_to, date_to: filters.date_from })}>
          Swap the dates
        </button>
        <button type="button" className="hover:underline" onClick={() => update({ date_from: null, date_to: null })}>
          Clear the dates
        </button>
      </div>
    </div>
  );
}

/** No batches at all, or none matching the filters. */
export function EmptyList({ hasFilters, update }: { hasFilters: boolean; update: Update }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 p-8 text-center dark:border-slate-700">
      {hasFilters ? (
        <>
          <p className="font-medium">No batches match these filters.</p>
          <button type="button" onClick={() => update(CLEARED)} className="mt-2 text-sm font-medium text-sky-700 hover:underline dark:text-sky-400">
            Clear filters
          </button>
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
  );
}
