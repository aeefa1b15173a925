import { request, send } from "@/app/_shared/api";
import type { BatchStats } from "@/features/batches/stats";
import type { Health } from "@/features/maintenance/health";
import type { ProblemsPage } from "@/features/maintenance/problems";
import type { CleanupResult } from "@/features/maintenance/retention";
import type { Settings } from "@/features/settings/schemas";

export type { BatchStats, CleanupResult, Health, ProblemsPage, Settings };

/** Health answers 503 with a body when the database is down: that body is what the page shows. */
export const fetchHealth = (url: string) => request<Health>(url, { okStatuses: [503] });

export const maintenance = {
  cleanup: (daysOld?: number) => send<CleanupResult>("POST", "/api/maintenance/cleanup", daysOld === undefined ? {} : { days_old: daysOld }),
  recover: () => send<{ recovered_count: number }>("POST", "/api/maintenance/recover"),
};

export const settings = {
  update: (patch: { queue_concurrency: number }) => send<Settings>("PATCH", "/api/settings", patch),
};
