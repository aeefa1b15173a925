/**
 * Where the running queue engine of this process is registered, so health and stats can report on
 * it. Kept on globalThis because Next.js may load modules more than once per process.
 */
import type { ThrottleState } from "./throttle";

export interface QueueRuntimeStatus {
  running: boolean;
  worker_id: string | null;
  concurrency: number;
  active: number;
  started_at: string | null;
  /** Why this engine is not claiming now (resource pressure), or null. */
  throttled: ThrottleState | null;
}

export interface QueueRuntime {
  status(): QueueRuntimeStatus;
  /** Wakes the dispatcher after new work became claimable. */
  wake(): void;
  /**
   * Aborts this process's runs of these jobs now (a cancel). Runs in other processes notice at
   * their next heartbeat instead.
   */
  abortJobs?(jobIds: string[], reason: "cancelled"): void;
  /** Reads the runtime settings (concurrency) again now instead of at the next poll. */
  reloadSettings?(): void;
}

const holder = globalThis as unknown as { __batchyardQueue?: QueueRuntime };

export function registerQueueRuntime(runtime: QueueRuntime | undefined): void {
  holder.__batchyardQueue = runtime;
}

export function queueRuntime(): QueueRuntime | undefined {
  return holder.__batchyardQueue;
}

export function queueStatus(concurrency: number): QueueRuntimeStatus {
  return (
    queueRuntime()?.status() ?? { running: false, worker_id: null, concurrency, active: 0, started_at: null, throttled: null }
  );
}

/** Called after enqueue, resume and retry; a no-op when this process runs no engine. */
export function wakeQueue(): void {
  queueRuntime()?.wake();
}

/** Called by cancel with the jobs that were running; a no-op for jobs this process does not run. */
export function abortRunningJobs(jobIds: string[]): void {
  if (jobIds.length > 0) queueRuntime()?.abortJobs?.(jobIds, "cancelled");
}

/** Called after an admin changed a runtime setting; other processes pick it up at their next poll. */
export function reloadQueueSettings(): void {
  queueRuntime()?.reloadSettings?.();
}
