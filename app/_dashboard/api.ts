import { send } from "@/app/_shared/api";
import type { BatchSummary, BatchDetail } from "@/features/batches/detail";
import type { BatchStats } from "@/features/batches/stats";
import type { BulkReport } from "@/features/batches/bulk";
import type { BulkAction } from "@/features/batches/schemas";

export type { BatchSummary, BatchDetail, BatchStats, BulkReport, BulkAction };
export type BatchJob = BatchDetail["jobs"][number];
export interface BatchPage {
  data: BatchSummary[];
  total: number;
  limit: number;
  offset: number;
}

export type BatchAction = "pause" | "resume" | "cancel" | "retry";

export const api = {
  action: (id: string, action: BatchAction) => send<BatchDetail>("POST", `/api/batches/${id}/${action}`),
  update: (id: string, patch: { priority?: string; pinned?: boolean; description?: string }) =>
    send<BatchDetail>("PATCH", `/api/batches/${id}`, patch),
  remove: (id: string) => send<void>("DELETE", `/api/batches/${id}`),
  retryJob: (id: string) => send<unknown>("POST", `/api/jobs/${id}/retry`),
  bulk: (body: { action: BulkAction; ids?: string[]; filter?: Record<string, string>; priority?: string }) =>
    send<BulkReport>("POST", "/api/batches/bulk", body),
};

export const ACTIVE_STATUSES = new Set(["pending", "processing"]);
export const isActive = (b: { status: string }) => ACTIVE_STATUSES.has(b.status);

/** Poll fast while work is moving, slowly when idle (SWR pauses while the tab is hidden). */
export const pollInterval = (active: boolean) => (active ? 2_000 : 15_000);
