"use client";

import { useCallback, useEffect, useState } from "react";

/**
 * The dashboard's bulk selection: batches ticked one by one (kept across pages), or "all matching
 * this filter", which the server resolves itself. Any change of filter starts over, so a selection
 * never silently covers batches the person can no longer see.
 */
export function useSelection(filterKey: string) {
  const [ids, setIds] = useState<Set<string>>(() => new Set());
  const [allMatching, setAllMatching] = useState(false);

  useEffect(() => {
    setIds(new Set());
    setAllMatching(false);
  }, [filterKey]);

  const toggle = useCallback((id: string, on: boolean) => {
    setAllMatching(false);
    setIds((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);

  const setMany = useCallback((many: string[], on: boolean) => {
    setAllMatching(false);
    setIds((current) => {
      const next = new Set(current);
      for (const id of many) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });
  }, []);

  const clear = useCallback(() => {
    setIds(new Set());
    setAllMatching(false);
  }, []);

  return { ids, allMatching, toggle, setMany, clear, selectAllMatching: () => setAllMatching(true) };
}

export type SelectionState = ReturnType<typeof useSelection>;
