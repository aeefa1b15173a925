import type { BatchSummary, BatchDetail } from "@/features/batches/detail";
import type { BatchStats } from "@/features/batches/stats";

export type { BatchSummary, BatchDetail, BatchStats };
export type BatchJob = BatchDetail["jobs"][number];
export interface BatchPage {
  data: BatchSummary[];
  total: number;
  limit: number;
  offset: number;
}

/** The server's `{error:{code,message}}` rebuilt on the client, so the UI can show the reason. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function parse<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, error?.code ?? "http_error", error?.message ?? `Request failed (${res.status})`);
  }
  return body as T;
}

export const fetcher = <T>(url: string) => fetch(url).then((res) => parse<T>(res));

const send = <T>(method: string, url: string, body?: unknown) =>
  fetch(url, {
    method,
    headers: body === undefined ? undefined : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then((res) => parse<T>(res));

export type BatchAction = "pause" | "resume" | "cancel" | "retry";

export const api = {
  action: (id: string, action: BatchAction) => send<BatchDetail>("POST", `/api/batches/${id}/${action}`),
  update: (id: string, patch: { priority?: string; pinned?: boolean; description?: string }) =>
    send<BatchDetail>("PATCH", `/api/batches/${id}`, patch),
  remove: (id: string) => send<void>("DELETE", `/api/batches/${id}`),
  retryJob: (id: string) => send<unknown>("POST", `/api/jobs/${id}/retry`),
};

export const ACTIVE_STATUSES = new Set(["pending", "processing"]);
export const isActive = (b: { status: string }) => ACTIVE_STATUSES.has(b.status);

/** Poll fast while work is moving, slowly when idle (SWR pauses while the tab is hidden). */
export const pollInterval = (active: boolean) => (active ? 2_000 : 15_000);
