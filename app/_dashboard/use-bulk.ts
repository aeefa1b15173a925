"use client";

import { useCallback, useState } from "react";
import { useSWRConfig } from "swr";
import { api, type BulkReport } from "./api";
import type { BulkRequest } from "./bulk-bar";
import type { SelectionState } from "./use-selection";

/**
 * Runs a confirmed bulk action on the selection (its ids, or the filter when "all matching" is
 * chosen), keeps the report to show, clears the selection and refreshes every batch view.
 */
export function useBulkAction(selection: SelectionState, filter: Record<string, string>, onError: (message: string) => void) {
  const { mutate } = useSWRConfig();
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<BulkReport | null>(null);

  const run = useCallback(
    async (request: BulkRequest) => {
      setBusy(true);
      setReport(null);
      try {
        const target = selection.allMatching ? { filter } : { ids: [...selection.ids] };
        setReport(await api.bulk({ ...request, ...target }));
        selection.clear();
      } catch (error) {
        onError(`Bulk ${request.action}: ${(error as Error).message}`);
      } finally {
        setBusy(false);
        void mutate((key) => typeof key === "string" && key.startsWith("/api/batches"));
      }
    },
    [selection, filter, onError, mutate],
  );

  return { run, busy, report, dismiss: () => setReport(null) };
}
