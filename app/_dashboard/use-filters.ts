"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";

export const PAGE_SIZE = 20;
export const FILTER_KEYS = ["status", "customer_prefix", "priority", "q", "date_from", "date_to", "sort_by", "sort_order"] as const;

export interface Filters {
  status: string[];
  customer_prefix: string;
  priority: string;
  q: string;
  date_from: string;
  date_to: string;
  sort_by: string;
  sort_order: "asc" | "desc";
  page: number;
  group: "day" | "customer";
}

/**
 * The dashboard's filter state lives in the URL: shareable, and the back button steps through it.
 * Clicks push a history entry; typing in the search box replaces the current one.
 */
export function useFilters() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();

  const filters: Filters = useMemo(
    () => ({
      status: (params.get("status") ?? "").split(",").filter(Boolean),
      customer_prefix: params.get("customer_prefix") ?? "",
      priority: params.get("priority") ?? "",
      q: params.get("q") ?? "",
      date_from: params.get("date_from") ?? "",
      date_to: params.get("date_to") ?? "",
      sort_by: params.get("sort_by") ?? "created_at",
      sort_order: params.get("sort_order") === "asc" ? "asc" : "desc",
      page: Math.max(1, Number(params.get("page")) || 1),
      group: params.get("group") === "customer" ? "customer" : "day",
    }),
    [params],
  );

  const update = useCallback(
    (changes: Partial<Record<keyof Filters, string | string[] | number | null>>, mode: "push" | "replace" = "push") => {
      const next = new URLSearchParams(params.toString());
      for (const [key, value] of Object.entries(changes)) {
        const text = Array.isArray(value) ? value.join(",") : value == null ? "" : String(value);
        if (text === "" || (key === "page" && text === "1")) next.delete(key);
        else next.set(key, text);
      }
      // Any filter change starts again at page one.
      if (!("page" in changes)) next.delete("page");
      const query = next.toString();
      const url = query ? `${pathname}?${query}` : pathname;
      if (mode === "replace") router.replace(url, { scroll: false });
      else router.push(url, { scroll: false });
    },
    [params, pathname, router],
  );

  /** The API query for the current filters and page. */
  const apiQuery = useMemo(() => {
    const q = new URLSearchParams();
    if (filters.status.length) q.set("status", filters.status.join(","));
    for (const key of ["customer_prefix", "priority", "q", "date_from", "date_to"] as const) if (filters[key]) q.set(key, filters[key]);
    q.set("sort_by", filters.sort_by);
    q.set("sort_order", filters.sort_order);
    q.set("limit", String(PAGE_SIZE));
    q.set("offset", String((filters.page - 1) * PAGE_SIZE));
    return q.toString();
  }, [filters]);

  const hasFilters = FILTER_KEYS.some((k) => k !== "sort_by" && k !== "sort_order" && params.get(k));
  return { filters, update, apiQuery, hasFilters };
}
