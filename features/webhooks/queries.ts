import type Database from "better-sqlite3";
import { getTableColumns } from "drizzle-orm";
import { webhookDeliveries, webhooks, type WebhookDeliveryRow, type WebhookRow } from "@/db/schema";
import { statement } from "@/db/statements";

/**
 * The webhooks feature's SQL: endpoints, and the delivery queue (claim under a lease, finish,
 * requeue what a dead process held). Deliveries are created by the database's triggers
 * (db/migrations/0014_webhook_triggers.sql) and by "send test".
 */

type Sqlite = Database.Database;

const mapper = <T>(table: Parameters<typeof getTableColumns>[0]) => {
  const columns = Object.entries(getTableColumns(table));
  const select = columns.map(([key, column]) => `"${column.name}" AS "${key}"`).join(", ");
  const map = (raw: Record<string, unknown>) => Object.fromEntries(columns.map(([key, column]) => [key, raw[key] === null ? null : column.mapFromDriverValue(raw[key])])) as T;
  return { select, map };
};
const endpoint = mapper<WebhookRow>(webhooks);
const delivery = mapper<WebhookDeliveryRow>(webhookDeliveries);

export function insertWebhook(sqlite: Sqlite, row: WebhookRow): void {
  statement(sqlite, `INSERT INTO webhooks (id, url, events, secret, enabled, base_url, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    row.id, row.url, row.events, row.secret, row.enabled ? 1 : 0, row.baseUrl, row.createdBy, row.createdAt, row.updatedAt,
  );
}

export function selectWebhooks(sqlite: Sqlite): WebhookRow[] {
  return (statement(sqlite, `SELECT ${endpoint.select} FROM webhooks ORDER BY created_at`).all() as Record<string, unknown>[]).map(endpoint.map);
}

export function findWebhook(sqlite: Sqlite, id: string): WebhookRow | undefined {
  const raw = statement(sqlite, `SELECT ${endpoint.select} FROM webhooks WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
  return raw ? endpoint.map(raw) : undefined;
}

export function updateWebhookRow(sqlite: Sqlite, row: WebhookRow): void {
  statement(sqlite, `UPDATE webhooks SET url = ?, events = ?, secret = ?, enabled = ?, updated_at = ? WHERE id = ?`).run(
    row.url, row.events, row.secret, row.enabled ? 1 : 0, row.updatedAt, row.id,
  );
}

export function deleteWebhookRow(sqlite: Sqlite, id: string): boolean {
  return statement(sqlite, `DELETE FROM webhooks WHERE id = ?`).run(id).changes > 0;
}

export function insertTestDelivery(sqlite: Sqlite, webhookId: string, now: number): number {
  const sql = `INSERT INTO webhook_deliveries (webhook_id, event, status, attempts, run_after, created_at, updated_at) VALUES (?, 'webhook.test', 'pending', 0, ?, ?, ?)`;
  return Number(statement(sqlite, sql).run(webhookId, now, now, now).lastInsertRowid);
}

/** The endpoint's latest deliveries, newest first. */
export function selectDeliveries(sqlite: Sqlite, webhookId: string, limit: number): WebhookDeliveryRow[] {
  const sql = `SELECT ${delivery.select} FROM webhook_deliveries WHERE webhook_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`;
  return (statement(sqlite, sql).all(webhookId, limit) as Record<string, unknown>[]).map(delivery.map);
}

/**
 * Due deliveries move to `delivering` under this process's lease (one IMMEDIATE transaction, by the
 * caller). Those of a batch whose upload is still arriving wait: if the upload fails, the batch and
 * its deliveries go unsent (dropBatchDeliveries).
 */
export function claimDeliveries(sqlite: Sqlite, owner: string, now: number, leaseMs: number, limit: number): WebhookDeliveryRow[] {
  const sql = `UPDATE webhook_deliveries SET status = 'delivering', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1, updated_at = ?
    WHERE id IN (SELECT d.id FROM webhook_deliveries d WHERE d.status = 'pending' AND d.run_after <= ?
                   AND NOT EXISTS (SELECT 1 FROM batches b WHERE b.id = d.batch_id AND b.receiving = 1)
                 ORDER BY d.run_after, d.id LIMIT ?)
    RETURNING ${delivery.select}`;
  return (statement(sqlite, sql).all(owner, now + leaseMs, now, now, limit) as Record<string, unknown>[]).map(delivery.map);
}

/** The unsent deliveries about a batch that is being removed before its upload finished. */
export function dropBatchDeliveries(sqlite: Sqlite, batchId: string): void {
  statement(sqlite, "DELETE FROM webhook_deliveries WHERE batch_id = ? AND status = 'pending'").run(batchId);
}

/** Deliveries whose lease ran out (the process sending them died) go back to pending; returns how many. */
export function requeueExpiredDeliveries(sqlite: Sqlite, now: number): number {
  const sql = `UPDATE webhook_deliveries SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
    WHERE status = 'delivering' AND lease_expires_at < ?`;
  return statement(sqlite, sql).run(now, now).changes;
}

export function savePayload(sqlite: Sqlite, id: number, payload: string): void {
  statement(sqlite, `UPDATE webhook_deliveries SET payload = ? WHERE id = ? AND payload IS NULL`).run(payload, id);
}

export interface DeliveryOutcome {
  status: "delivered" | "pending" | "failed";
  runAfter: number;
  responseStatus: number | null;
  responseMs: number | null;
  error: string | null;
}

/** Records one try under its lease; false when the lease was lost meanwhile. */
export function finishDelivery(sqlite: Sqlite, id: number, owner: string, outcome: DeliveryOutcome, now: number): boolean {
  const sql = `UPDATE webhook_deliveries SET status = ?, run_after = ?, response_status = ?, response_ms = ?, error = ?,
      lease_owner = NULL, lease_expires_at = NULL, updated_at = ?, delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END
    WHERE id = ? AND lease_owner = ? AND status = 'delivering'`;
  const { status, runAfter, responseStatus, responseMs, error } = outcome;
  return statement(sqlite, sql).run(status, runAfter, responseStatus, responseMs, error, now, status, now, id, owner).changes > 0;
}

/** The job a `job.failed` delivery reports, with its file's name. */
export function findFailedJob(sqlite: Sqlite, jobId: string) {
  const sql = `SELECT j.id, j.file_id, f.original_name AS file_name, j.pipeline_id, j.error_code, j.error_message, j.attempts
    FROM jobs j JOIN files f ON f.id = j.file_id WHERE j.id = ?`;
  return statement(sqlite, sql).get(jobId) as Record<string, unknown> | undefined;
}
