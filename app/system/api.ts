import type { BatchStats } from "@/features/batches/stats";
import type { Health } from "@/features/maintenance/health";
import type { ProblemsPage } from "@/features/maintenance/problems";
import type { CleanupResult } from "@/features/maintenance/retention";

export type { BatchStats, CleanupResult, Health, ProblemsPage };

async function readJson<T>(res: Response, okStatuses: number[] = []): Promise<T> {
  const body = await res.json().catch(() => null);
  if (!res.ok && !okStatuses.includes(res.status)) {
    const message = (body as { error?: { message?: string } } | null)?.error?.message;
    throw new Error(message ?? `Request failed (${res.status})`);
  }
  return body as T;
}

export const fetchJson = <T>(url: string) => fetch(url).then((res) => readJson<T>(res));
/** Health answers 503 with a body when the database is down: that body is what the page shows. */
export const fetchHealth = (url: string) => fetch(url).then((res) => readJson<Health>(res, [503]));

const post = <T>(url: string, body?: unknown) =>
  fetch(url, {
    method: "POST",
    headers: body === undefined ? undefined : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then((res) => readJson<T>(res));

export const maintenance = {
  cleanup: (daysOld?: number) => post<CleanupResult>("/api/maintenance/cleanup", daysOld === undefined ? {} : { days_old: daysOld }),
  recover: () => post<{ recovered_count: number }>("/api/maintenance/recover"),
};
