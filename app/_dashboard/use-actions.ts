"use client";

import { useCallback } from "react";
import { useSWRConfig } from "swr";
import { api, type BatchAction, type BatchPage, type BatchSummary } from "./api";

type Patch = Partial<BatchSummary> | "removed";

/** What the user should see at once, before the server answers. */
const OPTIMISTIC: Record<BatchAction, (b: BatchSummary) => Patch> = {
  pause: () => ({ status: "paused" }),
  resume: (b) => ({ status: b.started_at ? "processing" : "pending" }),
  cancel: () => ({ status: "cancelled", eta_seconds: null }),
  retry: (b) => ({ status: "processing", failed_jobs: 0, progress_percent: b.total_jobs ? Math.round(((b.completed_jobs + b.cancelled_jobs) / b.total_jobs) * 1000) / 10 : 0 }),
};

export type Command =
  | { kind: BatchAction }
  | { kind: "priority"; priority: BatchSummary["priority"] }
  | { kind: "pin"; pinned: boolean }
  | { kind: "delete" }
  | { kind: "retry-job"; jobId: string };

function patchFor(b: BatchSummary, c: Command): Patch {
  switch (c.kind) {
    case "priority":
      return { priority: c.priority };
    case "pin":
      return { pinned: c.pinned, expires_at: c.pinned ? null : b.expires_at };
    case "delete":
      return "removed";
    case "retry-job":
      return {};
    default:
      return OPTIMISTIC[c.kind](b);
  }
}

function call(batchId: string, c: Command): Promise<unknown> {
  switch (c.kind) {
    case "priority":
      return api.update(batchId, { priority: c.priority });
    case "pin":
      return api.update(batchId, { pinned: c.pinned });
    case "delete":
      return api.remove(batchId);
    case "retry-job":
      return api.retryJob(c.jobId);
    default:
      return api.action(batchId, c.kind);
  }
}

const DESCRIBE: Record<Command["kind"], string> = {
  pause: "Pause",
  resume: "Resume",
  cancel: "Cancel",
  retry: "Retry failed files",
  priority: "Change priority",
  pin: "Pin",
  delete: "Delete",
  "retry-job": "Retry file",
};

/**
 * Runs a batch command with an optimistic update of the cached list or detail (`key`), rolled back
 * when the server refuses, whose reason goes to `onError`. Everything is revalidated afterwards.
 */
export function useBatchCommands(key: string, shape: "list" | "detail", onError: (message: string) => void) {
  const { mutate } = useSWRConfig();
  return useCallback(
    async (batch: BatchSummary, command: Command) => {
      const patch = patchFor(batch, command);
      const apply = (current: unknown) => {
        if (!current) return current;
        if (shape === "detail") return patch === "removed" ? current : { ...(current as object), ...patch };
        const page = current as BatchPage;
        if (patch === "removed") return { ...page, data: page.data.filter((b) => b.id !== batch.id), total: Math.max(0, page.total - 1) };
        return { ...page, data: page.data.map((b) => (b.id === batch.id ? { ...b, ...patch } : b)) };
      };
      try {
        await mutate(key, async (current: unknown) => {
          await call(batch.id, command);
          return current;
        }, { optimisticData: apply, rollbackOnError: true, populateCache: false, revalidate: true });
        void mutate((k) => typeof k === "string" && (k.startsWith(`/api/batches/${batch.id}`) || k.startsWith("/api/batches/stats")));
        return true;
      } catch (error) {
        onError(`${DESCRIBE[command.kind]} "${batch.base_directory_name}": ${(error as Error).message}`);
        return false;
      }
    },
    [key, shape, mutate, onError],
  );
}
