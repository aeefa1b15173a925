import fs from "node:fs";
import os from "node:os";
import type Database from "better-sqlite3";
import type { WorkerRow } from "@/db/schema";
import { statement } from "./sql";

/**
 * The `workers` table: one row per engine, so any process can tell whether the owner of a
 * running job is still alive (same host: is its pid alive on this boot; any host: is its
 * heartbeat fresh).
 */

/** The kernel's id for this boot; a pid from an earlier boot means nothing now. */
export const BOOT_ID = readBootId();

function readBootId(): string {
  try {
    return fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return `uptime-${Math.round(Date.now() / 1000 - os.uptime())}`;
  }
}

export function registerWorker(sqlite: Database.Database, workerId: string, now: number): void {
  statement(
    sqlite,
    `INSERT INTO workers (id, boot_id, pid, hostname, started_at, heartbeat_at, stopped_at) VALUES (?, ?, ?, ?, ?, ?, NULL)
     ON CONFLICT (id) DO UPDATE SET boot_id = excluded.boot_id, pid = excluded.pid, hostname = excluded.hostname,
       started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, stopped_at = NULL, throttled = NULL`,
  ).run(workerId, BOOT_ID, process.pid, os.hostname(), now, now);
}

export function markWorkerStopped(sqlite: Database.Database, workerId: string, now: number): void {
  statement(sqlite, `UPDATE workers SET stopped_at = ? WHERE id = ?`).run(now, workerId);
}

/**
 * Rows of stopped workers that no job points at any more; kept a week for the record. Only running
 * jobs hold a lease owner, so the claim index finds them (there is no index on lease_owner: it
 * would be written by every claim and finish).
 */
export function pruneStoppedWorkers(sqlite: Database.Database, now: number): number {
  return statement(
    sqlite,
    `DELETE FROM workers WHERE stopped_at IS NOT NULL AND stopped_at < ?
       AND id NOT IN (SELECT lease_owner FROM jobs WHERE status = 'processing' AND lease_owner IS NOT NULL)`,
  ).run(now - 7 * 86_400_000).changes;
}

/**
 * A worker is dead when its heartbeat is older than a lease, or — on this host, this boot — its
 * pid is gone. (A reused pid only delays detection until the heartbeat check catches it.)
 */
export function isWorkerDead(worker: Pick<WorkerRow, "pid" | "hostname" | "bootId" | "heartbeatAt">, now: number, leaseMs: number): boolean {
  if (worker.heartbeatAt < now - leaseMs) return true;
  if (worker.hostname !== os.hostname()) return false;
  return worker.bootId !== BOOT_ID || !pidAlive(worker.pid);
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Live workers by id, excluding the dead ones, which are marked stopped on the way. */
export function liveWorkerIds(sqlite: Database.Database, now: number, leaseMs: number): Set<string> {
  const rows = statement(
    sqlite,
    `SELECT id, pid, hostname, boot_id AS bootId, heartbeat_at AS heartbeatAt FROM workers WHERE stopped_at IS NULL`,
  ).all() as Pick<WorkerRow, "id" | "pid" | "hostname" | "bootId" | "heartbeatAt">[];
  const live = new Set<string>();
  for (const worker of rows) {
    if (isWorkerDead(worker, now, leaseMs)) markWorkerStopped(sqlite, worker.id, now);
    else live.add(worker.id);
  }
  return live;
}

/** Pids of the other live engines on this host and boot: their jobs are our own load, not the host's. */
export function localWorkerPids(sqlite: Database.Database): number[] {
  const rows = statement(sqlite, `SELECT pid FROM workers WHERE stopped_at IS NULL AND hostname = ? AND boot_id = ?`).all(
    os.hostname(),
    BOOT_ID,
  ) as { pid: number }[];
  return rows.map((r) => r.pid);
}

/** The engine's throttle state as JSON (null: claiming freely), so any process can report it. */
export function recordThrottle(sqlite: Database.Database, workerId: string, state: object | null): void {
  statement(sqlite, `UPDATE workers SET throttled = ? WHERE id = ?`).run(state === null ? null : JSON.stringify(state), workerId);
}

/** The throttle state of the engine that most recently heartbeated while throttled, if it is alive. */
export function throttledWorkerState(sqlite: Database.Database, now: number, leaseMs: number): string | null {
  const row = statement(
    sqlite,
    `SELECT throttled FROM workers WHERE stopped_at IS NULL AND throttled IS NOT NULL AND heartbeat_at >= ?
     ORDER BY heartbeat_at DESC LIMIT 1`,
  ).get(now - leaseMs) as { throttled: string } | undefined;
  return row?.throttled ?? null;
}
