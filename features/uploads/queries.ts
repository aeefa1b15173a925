/**
 * Every SQL statement of the uploads feature: the idempotency lookup, the rows one upload creates
 * and the rate-limit window; see docs/ARCHITECTURE.md for the data-access rule. Each runs on the
 * caller's connection, so inside the upload's IMMEDIATE transaction when called from the commit.
 */
import type { AppDb } from "@/db/client";
import type { BatchRow, FileRow } from "@/db/schema";
import { statement } from "@/db/statements";

/** The batch holding an Idempotency-Key, and when it was created. */
export function findBatchByIdempotencyKey(db: AppDb, key: string): { id: string; createdAt: number; receiving: number } | undefined {
  return statement(db.$client, "SELECT id, created_at AS createdAt, receiving FROM batches WHERE idempotency_key = ?").get(key) as
    | { id: string; createdAt: number; receiving: number }
    | undefined;
}

/** Frees an expired key for reuse (the column is UNIQUE). */
export function releaseIdempotencyKey(db: AppDb, key: string): void {
  statement(db.$client, "UPDATE batches SET idempotency_key = NULL WHERE idempotency_key = ?").run(key);
}

export type NewBatch = Pick<
  BatchRow,
  | "id"
  | "customerPrefix"
  | "batchDate"
  | "batchCounter"
  | "baseDirectoryName"
  | "description"
  | "priority"
  | "totalFiles"
  | "totalSize"
  | "idempotencyKey"
  | "externalRef"
  | "owner"
  | "createdAt"
  | "updatedAt"
  | "receiving"
  | "expectedFiles"
>;

/** A new batch row; status, counters and the rest take their column defaults. */
export function insertBatch(db: AppDb, batch: NewBatch): void {
  statement(
    db.$client,
    `INSERT INTO batches (id, customer_prefix, batch_date, batch_counter, base_directory_name, description, priority,
                          total_files, total_size, idempotency_key, external_ref, owner, created_at, updated_at, receiving, expected_files)
     VALUES (@id, @customerPrefix, @batchDate, @batchCounter, @baseDirectoryName, @description, @priority,
             @totalFiles, @totalSize, @idempotencyKey, @externalRef, @owner, @createdAt, @updatedAt, @receiving, @expectedFiles)`,
  ).run({ ...batch, receiving: batch.receiving ? 1 : 0 });
}

export function insertFile(db: AppDb, file: FileRow): void {
  statement(
    db.$client,
    `INSERT INTO files (id, batch_id, original_name, safe_name, relative_path, mime, size, sha256, storage_key, width, height, created_at)
     VALUES (@id, @batchId, @originalName, @safeName, @relativePath, @mime, @size, @sha256, @storageKey, @width, @height, @createdAt)`,
  ).run(file);
}

/** One more file arrived in a receiving batch (features/uploads/receiving.ts). */
export function addToBatchTotals(db: AppDb, batchId: string, size: number): void {
  statement(db.$client, "UPDATE batches SET total_files = total_files + 1, total_size = total_size + ? WHERE id = ?").run(size, batchId);
}

/** The batch's upload has fully arrived; undefined when the batch is gone. */
export function endReceiving(db: AppDb, batchId: string): { totalFiles: number; totalSize: number } | undefined {
  return statement(db.$client, "UPDATE batches SET receiving = 0 WHERE id = ? RETURNING total_files AS totalFiles, total_size AS totalSize").get(batchId) as
    | { totalFiles: number; totalSize: number }
    | undefined;
}

/** A failed upload's key is free again at once, before its batch is gone (a retry may come right away). */
export function detachIdempotencyKey(db: AppDb, batchId: string): void {
  statement(db.$client, "UPDATE batches SET idempotency_key = NULL WHERE id = ?").run(batchId);
}

/** What adding a file to a receiving batch needs to know, read inside its transaction. */
export function findReceivingBatch(db: AppDb, batchId: string): { priority: BatchRow["priority"]; receiving: number } | undefined {
  return statement(db.$client, "SELECT priority, receiving FROM batches WHERE id = ?").get(batchId) as
    | { priority: BatchRow["priority"]; receiving: number }
    | undefined;
}

/** Batches whose upload has not finished (at start-up: a previous process never finished it). */
export function selectReceivingBatches(db: AppDb): string[] {
  return (statement(db.$client, "SELECT id FROM batches WHERE receiving = 1").all() as { id: string }[]).map((r) => r.id);
}

/** Whose upload made the batch, and when (its rate-limit event has that time). */
export function findBatchOrigin(db: AppDb, batchId: string): { owner: string | null; createdAt: number } | undefined {
  return statement(db.$client, "SELECT owner, created_at AS createdAt FROM batches WHERE id = ?").get(batchId) as
    | { owner: string | null; createdAt: number }
    | undefined;
}

/** Takes back the rate-limit event an upload that never finished recorded when its batch opened. */
export function forgetRateEvent(db: AppDb, key: string, createdAt: number): void {
  statement(db.$client, "DELETE FROM rate_limit_events WHERE id = (SELECT id FROM rate_limit_events WHERE key = ? AND created_at = ? LIMIT 1)").run(key, createdAt);
}

/** Uploads a client made after `since`, and when the oldest of them was. */
export function readRateWindow(db: AppDb, key: string, since: number): { used: number; oldest: number | null } {
  return statement(
    db.$client,
    "SELECT count(*) AS used, min(created_at) AS oldest FROM rate_limit_events WHERE key = ? AND created_at > ?",
  ).get(key, since) as { used: number; oldest: number | null };
}

/** Counts one upload, dropping this client's events that left the window (they never count again). */
export function recordRateEvent(db: AppDb, key: string, now: number, windowStart: number): void {
  statement(db.$client, "DELETE FROM rate_limit_events WHERE key = ? AND created_at <= ?").run(key, windowStart);
  statement(db.$client, "INSERT INTO rate_limit_events (key, created_at) VALUES (?, ?)").run(key, now);
}

const STORED_FILE = `SELECT f.id, f.original_name AS originalName, f.relative_path AS relativePath, f.mime, f.size, f.sha256,
  f.storage_key AS storageKey, f.width, f.height, b.receiving AS receiving FROM files f JOIN batches b ON b.id = f.batch_id WHERE f.id = ?`;

/** A stored upload's file; `receiving`: its batch's upload is still arriving (1), so it may yet go. */
export type StoredFile = Pick<FileRow, "id" | "originalName" | "relativePath" | "mime" | "size" | "sha256" | "storageKey" | "width" | "height"> & { receiving: number };

/** An uploaded file by id, as a new batch reuses its stored input; undefined when there is none. */
export function findStoredFile(db: AppDb, id: string): StoredFile | undefined {
  return statement(db.$client, STORED_FILE).get(id) as StoredFile | undefined;
}

/** The batch a re-run starts from: its naming and priority, and its files in upload order. */
export function findRerunSource(db: AppDb, batchId: string): { baseName: string; prefix: string; priority: BatchRow["priority"]; fileIds: string[] } | undefined {
  const batch = statement(
    db.$client,
    "SELECT base_directory_name AS baseName, customer_prefix AS prefix, priority FROM batches WHERE id = ?",
  ).get(batchId) as { baseName: string; prefix: string; priority: BatchRow["priority"] } | undefined;
  if (!batch) return undefined;
  const files = statement(db.$client, "SELECT id FROM files WHERE batch_id = ? ORDER BY rowid").all(batchId) as { id: string }[];
  return { ...batch, fileIds: files.map((f) => f.id) };
}
