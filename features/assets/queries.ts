/** Every SQL statement of the assets feature; see docs/ARCHITECTURE.md for the data-access rule. */
import type { AppDb } from "@/db/client";
import type { AssetRow } from "@/db/schema";
import { statement } from "@/db/statements";

const COLUMNS = `id, name, sha256, mime, size, width, height, storage_key AS storageKey, created_by AS createdBy,
  created_at AS createdAt, archived_at AS archivedAt`;

export function findAsset(db: AppDb, id: string): AssetRow | undefined {
  return statement(db.$client, `SELECT ${COLUMNS} FROM assets WHERE id = ?`).get(id) as AssetRow | undefined;
}

export function findAssetBySha(db: AppDb, sha256: string): AssetRow | undefined {
  return statement(db.$client, `SELECT ${COLUMNS} FROM assets WHERE sha256 = ?`).get(sha256) as AssetRow | undefined;
}

/** Live assets (every one with `includeArchived`), newest first. */
export function selectAssets(db: AppDb, { includeArchived = false } = {}): AssetRow[] {
  return statement(db.$client, `SELECT ${COLUMNS} FROM assets WHERE (? OR archived_at IS NULL) ORDER BY created_at DESC, id`).all(
    includeArchived ? 1 : 0,
  ) as AssetRow[];
}

export function insertAsset(db: AppDb, row: AssetRow): void {
  statement(
    db.$client,
    `INSERT INTO assets (id, name, sha256, mime, size, width, height, storage_key, created_by, created_at, archived_at)
     VALUES (@id, @name, @sha256, @mime, @size, @width, @height, @storageKey, @createdBy, @createdAt, @archivedAt)`,
  ).run(row);
}

export function setAssetArchived(db: AppDb, id: string, archivedAt: number | null): void {
  statement(db.$client, "UPDATE assets SET archived_at = ? WHERE id = ?").run(archivedAt, id);
}

export function deleteAssetRow(db: AppDb, id: string): void {
  statement(db.$client, "DELETE FROM assets WHERE id = ?").run(id);
}

/** Whether any pipeline, live or archived, names the asset as its watermark. */
export function isAssetUsed(db: AppDb, id: string): boolean {
  return statement(db.$client, "SELECT 1 FROM pipelines WHERE json_extract(spec, '$.watermark.asset_id') = ? LIMIT 1").get(id) !== undefined;
}
