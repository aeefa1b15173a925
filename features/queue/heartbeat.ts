import type Database from "better-sqlite3";
import type { AbortKind } from "./outcome";
import { statement } from "./sql";

export interface HeldLease {
  jobId: string;
  leaseToken: string;
}

const LEASE_STATE = `
  SELECT j.status, j.lease_token AS leaseToken, b.status AS batchStatus
  FROM jobs j JOIN batches b ON b.id = j.batch_id WHERE j.id = ?`;

const RENEW_LEASE = `
  UPDATE jobs SET lease_expires_at = ?, heartbeat_at = ? WHERE id = ? AND lease_token = ? AND status = 'processing'`;

/**
 * One heartbeat of a worker, in one transaction: renew the worker row and the lease of every job
 * it is running, and report the runs that must stop — their batch was cancelled (possibly by
 * another process: this is how a cancel reaches a run it cannot reach in memory), or their lease
 * is gone (recovery gave the job to someone else, or the batch was deleted).
 */
export function heartbeat(
  sqlite: Database.Database,
  workerId: string,
  held: HeldLease[],
  now: number,
  leaseMs: number,
): Map<string, AbortKind> {
  return sqlite
    .transaction(() => {
      statement(sqlite, `UPDATE workers SET heartbeat_at = ?, stopped_at = NULL WHERE id = ?`).run(now, workerId);
      const stop = new Map<string, AbortKind>();
      for (const lease of held) {
        const state = statement(sqlite, LEASE_STATE).get(lease.jobId) as
          | { status: string; leaseToken: string | null; batchStatus: string }
          | undefined;
        if (!state || state.status !== "processing" || state.leaseToken !== lease.leaseToken) {
          stop.set(lease.jobId, "lease_lost");
          continue;
        }
        statement(sqlite, RENEW_LEASE).run(now + leaseMs, now, lease.jobId, lease.leaseToken);
        if (state.batchStatus === "cancelled") stop.set(lease.jobId, "cancelled");
      }
      return stop;
    })
    .immediate();
}

const SAVE_PROGRESS = `UPDATE jobs SET progress = ? WHERE id = ? AND lease_token = ? AND status = 'processing'`;

/** Progress is informational: one autocommit statement, no counters to keep in step. */
export function saveProgress(sqlite: Database.Database, lease: HeldLease, fraction: number): void {
  statement(sqlite, SAVE_PROGRESS).run(fraction, lease.jobId, lease.leaseToken);
}
