"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";

export const PAGE_SIZE = 20;
export const FILTER_KEYS = ["status", "has_failures", "customer_prefix", "priority", "q", "date_from", "date_to", "sort_by", "sort_order"] as const;

export type Grouping = "day" | "customer";

export interface Filters {
  status: string[];
  has_failures: boolean;
  customer_prefix: string;
  priority: string;
  q: string;
  date_from: string;
  date_to: string;
  sort_by: string;
  sort_order: "asc" | "desc";
  page: number;
  /** The grouping asked for; `grouping` says whether the sort lets it show. */
  group: Grouping;
}

export type FilterChanges = Partial<Record<keyof Filters, string | string[] | number | boolean | null>>;

/** Every filter off (sort, grouping and page are not filters). */
export const CLEARED: FilterChanges = { status: null, has_failures: null, customer_prefix: null, priority: null, q: null, date_from: null, date_to: null };

/**
 * The sort each grouping needs so that a group's batches sit together: day groups follow a date
 * sort, and customer groups a name sort (a batch name starts with its customer prefix). Under any
 * other sort the page is one list in the chosen order, rather than groups split across the page.
 */
const KEEPS_GROUPS_TOGETHER: Record<Grouping, readonly string[]> = {
  day: ["created_at", "batch_date"],
  customer: ["base_directory_name"],
};

/** The sort a grouping switches to when the current one would split its groups. */
export const SORT_FOR_GROUP: Record<Grouping, { sort_by: string; sort_order: "asc" | "desc" }> = {
  day: { sort_by: "created_at", sort_order: "desc" },
  customer: { sort_by: "base_directory_name", sort_order: "asc" },
};

export const groupingFor = (f: Pick<Filters, "group" | "sort_by">): Grouping | null => (KEEPS_GROUPS_TOGETHER[f.group].includes(f.sort_by) ? f.group : null);

/** A "From" later than "To" matches nothing; the dashboard explains instead of asking the server. */
export const invertedRange = (f: Pick<Filters, "date_from" | "date_to">) => !!f.date_from && !!f.date_to && f.date_from > f.date_to;

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
      has_failures: params.get("has_failures") === "true",
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
    (changes: FilterChanges, mode: "push" | "replace" = "push") => {
      const next = new URLSearchParams(params.toString());
      for (const [key, value] of Object.entries(changes)) {
        const text = Array.isArray(value) ? value.join(",") : value == null || value === false ? "" : String(value);
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

  /** The current filters alone (no sort or page), as bulk actions and downloads take them. */
  const apiFilter = useMemo(() => {
    const f: Record<string, string> = {};
    if (filters.status.length) f.status = filters.status.join(",");
    if (filters.has_failures) f.has_failures = "true";
    for (const key of ["customer_prefix", "priority", "q", "date_from", "date_to"] as const) if (filters[key]) f[key] = filters[key];
    return f;
  }, [filters]);

  /** The API query for the current filters and page. */
  const apiQuery = useMemo(() => {
    const q = new URLSearchParams();
    if (filters.status.length) q.set("status", filters.status.join(","));
    if (filters.has_failures) q.set("has_failures", "true");
    for (const key of ["customer_prefix", "priority", "q", "date_from", "date_to"] as const) if (filters[key]) q.set(key, filters[key]);
    q.set("sort_by", filters.sort_by);
    q.set("sort_order", filters.sort_order);
    q.set("limit", String(PAGE_SIZE));
    q.set("offset", String((filters.page - 1) * PAGE_SIZE));
    return q.toString();
  }, [filters]);

  const hasFilters = FILTER_KEYS.some((k) => k !== "sort_by" && k !== "sort_order" && params.get(k));
  return { filters, update, apiQuery, apiFilter, hasFilters, grouping: groupingFor(filters) };
}
