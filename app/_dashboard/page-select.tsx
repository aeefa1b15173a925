"use client";

import { useEffect, useRef } from "react";
import type { SelectionState } from "./use-selection";

/** "Select this page": ticks or unticks every batch shown; mixed when only some are. */
export function PageSelect({ ids, selection }: { ids: string[]; selection: SelectionState }) {
  const ref = useRef<HTMLInputElement>(null);
  const ticked = selection.allMatching ? ids.length : ids.filter((id) => selection.ids.has(id)).length;
  const all = ids.length > 0 && ticked === ids.length;
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = ticked > 0 && !all;
  }, [ticked, all]);
  return (
    <label className="inline-flex items-center gap-2 text-xs font-medium text-slate-600 dark:text-slate-400">
      <input ref={ref} type="checkbox" checked={all} onChange={(e) => selection.setMany(ids, e.target.checked)} className="h-4 w-4 accent-sky-600" />
      Select the {ids.length} batches on this page
    </label>
  );
}
