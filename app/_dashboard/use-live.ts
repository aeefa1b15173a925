"use client";

import { useCallback, type RefObject } from "react";
import { useSWRConfig } from "swr";
import { useLive, useThrottled, type LiveEvent } from "@/app/_shared/live";
import { pollInterval, type BatchDetail, type BatchPage, type BatchStats, type BatchSummary } from "./api";

/** While the live stream is connected, polling is only a safety net. */
export const LIVE_POLL_MS = 60_000;

/**
 * SWR's refreshInterval for a dashboard view: LIVE_POLL_MS while the live stream is connected,
 * otherwise pollInterval of `busy(data, outside)`, where `outside` is what the view knows besides its
 * own data. SWR starts its poll timer over whenever refreshInterval is a new function; an inline one
 * is new at every render, and the stats header's 2 s answers then kept putting off the list's 15 s
 * poll for good. So this is one function until `live` or `outside` changes (`busy` is module-level).
 */
export function usePollInterval<T>(live: boolean, busy: (data: T | undefined, outside: boolean) => boolean, outside = false): (data?: T) => number {
  return useCallback((data?: T) => (live ? LIVE_POLL_MS : pollInterval(busy(data, outside))), [live, busy, outside]);
}

const STATS_KEY = "/api/batches/stats";
/** The event's fields over the cached batch, unless a refetch already brought a later state. */
const newer = <T extends { updated_at: string }>(cached: T, event: BatchSummary): T => (event.updated_at >= cached.updated_at ? { ...cached, ...event } : cached);

const isBatchKey = (key: unknown) => typeof key === "string" && key.startsWith("/api/batches");

/**
 * The dashboard list from live events: a batch on the page is patched in place from its event (no
 * request); a change to a batch not on the page (a new upload, a batch entering the filter) or a
 * deletion refetches the page, at most every few seconds; queue events patch the stats header,
 * whose other figures are refetched now and then. Returns whether the stream is connected.
 */
export function useLiveList(listKey: string, current: RefObject<BatchPage | undefined>): boolean {
  const { mutate } = useSWRConfig();
  const refetchList = useThrottled(() => void mutate(listKey), 3_000);
  const refetchStats = useThrottled(() => void mutate(STATS_KEY), 10_000);

  return useLive((event: LiveEvent) => {
    switch (event.type) {
      case "batch": {
        const onPage = current.current?.data.some((b) => b.id === event.data.id);
        if (onPage) {
          void mutate<BatchPage>(listKey, (p) => p && { ...p, data: p.data.map((b) => (b.id === event.data.id ? newer(b, event.data) : b)) }, { revalidate: false });
        } else refetchList();
        refetchStats();
        return;
      }
      case "queue":
        void mutate<BatchStats>(STATS_KEY, (s) => s && { ...s, queue: { ...s.queue, ...event.data } }, { revalidate: false });
        return;
      case "batch.deleted":
        if (current.current?.data.some((b) => b.id === event.data.id)) refetchList();
        return;
      case "batches":
      case "reset":
        void mutate(isBatchKey);
        return;
    }
  });
}

/**
 * One batch's detail (the batch page, an expanded dashboard row) from live events: its summary is
 * patched at once; its files (whose state the events do not carry) are refetched after a run ends,
 * at most every two seconds.
 */
export function useLiveBatch(id: string): boolean {
  const { mutate } = useSWRConfig();
  const key = `/api/batches/${id}`;
  const refetch = useThrottled(() => void mutate(key), 2_000);
  return useLive((event: LiveEvent) => {
    if (event.type === "batch" && event.data.id === id) {
      void mutate<BatchDetail>(key, (d) => d && newer(d, event.data), { revalidate: false });
      refetch();
    } else if ((event.type === "job" && event.data.batch_id === id) || (event.type === "batch.deleted" && event.data.id === id) || event.type === "reset") {
      refetch();
    }
  });
}
