import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import type { AssetRow } from "@/db/schema";
import type { Principal } from "@/features/auth/scopes";
import { sanitizeFileName } from "@/features/batches/naming";
import type { AppContext } from "@/features/shared/context";
import { AppError, notFound } from "@/features/shared/errors";
import { writeAtomically } from "@/features/shared/files";
import { PRIVATE_DIR_MODE, resolveKey } from "@/features/shared/paths";
import { deleteAssetRow, findAsset, findAssetBySha, insertAsset, isAssetUsed, selectAssets, setAssetArchived } from "./queries";
import type { Asset } from "./schemas";
import { receiveAsset } from "./upload";

/**
 * Watermark assets (docs/api.md, Assets): stored once per content, never removed while a pipeline
 * (live or archived) names one, so old batches can still be re-run and previewed.
 */

export function toAsset(row: AssetRow): Asset {
  return {
    id: row.id,
    name: row.name,
    mime: row.mime,
    size: row.size,
    width: row.width,
    height: row.height,
    sha256: row.sha256,
    image_url: `/api/assets/${row.id}/image`,
    created_at: new Date(row.createdAt).toISOString(),
    archived_at: row.archivedAt ? new Date(row.archivedAt).toISOString() : null,
  };
}

export const listAssets = (ctx: AppContext, options: { includeArchived?: boolean } = {}) => selectAssets(ctx.db, options).map(toAsset);

export function requireAsset(ctx: AppContext, id: string): AssetRow {
  const row = findAsset(ctx.db, id);
  if (!row) throw notFound("asset", id);
  return row;
}

/**
 * POST /api/assets. The same bytes uploaded again answer the asset they already are (`created`
 * false), brought back from the archive if need be: content is stored once.
 */
export async function createAsset(ctx: AppContext, request: Request, user: Principal): Promise<{ asset: Asset; created: boolean }> {
  const received = await receiveAsset(request);
  const sha256 = createHash("sha256").update(received.data).digest("hex");
  const existing = findAssetBySha(ctx.db, sha256);
  if (existing) {
    if (existing.archivedAt) setAssetArchived(ctx.db, existing.id, null);
    return { asset: toAsset(requireAsset(ctx, existing.id)), created: false };
  }
  const storageKey = `assets/${sha256}`;
  await fs.promises.mkdir(ctx.paths.assets, { recursive: true, mode: PRIVATE_DIR_MODE });
  await writeAtomically(resolveKey(ctx.paths, storageKey), (temp) => fs.promises.writeFile(temp, received.data));
  const row: AssetRow = {
    id: randomUUID(),
    name: sanitizeFileName(received.fileName),
    sha256,
    mime: received.mime,
    size: received.data.length,
    width: received.width,
    height: received.height,
    storageKey,
    createdBy: user.userId,
    createdAt: ctx.clock.now(),
    archivedAt: null,
  };
  try {
    insertAsset(ctx.db, row);
  } catch (error) {
    // The same bytes sent twice at once: the other request's row won; answer it.
    const winner = findAssetBySha(ctx.db, sha256);
    if (winner) return { asset: toAsset(winner), created: false };
    throw error;
  }
  ctx.log.info({ assetId: row.id, size: row.size }, "asset created");
  return { asset: toAsset(row), created: true };
}

export type DeleteAssetOutcome = { outcome: "deleted"; id: string } | { outcome: "archived"; asset: Asset };

/** DELETE /api/assets/:id: archived while any pipeline names it, removed (row and file) otherwise. */
export function deleteAsset(ctx: AppContext, id: string): DeleteAssetOutcome {
  const result = ctx.db.$client
    .transaction((): DeleteAssetOutcome & { key?: string } => {
      const row = requireAsset(ctx, id);
      if (isAssetUsed(ctx.db, id)) {
        setAssetArchived(ctx.db, id, row.archivedAt ?? ctx.clock.now());
        return { outcome: "archived", asset: toAsset(requireAsset(ctx, id)) };
      }
      deleteAssetRow(ctx.db, id);
      return { outcome: "deleted", id, key: row.storageKey };
    })
    .immediate();
  if (result.outcome === "deleted") {
    fs.rmSync(resolveKey(ctx.paths, result.key!), { force: true });
    ctx.log.info({ assetId: id }, "asset deleted");
    return { outcome: "deleted", id };
  }
  ctx.log.info({ assetId: id }, "asset archived: a pipeline uses it");
  return result;
}

/** A pipeline may name an asset only while it is live (an archived one keeps serving old pipelines). */
export function assertLiveAsset(ctx: AppContext, id: string, field = "watermark.asset_id"): void {
  const row = findAsset(ctx.db, id);
  if (!row || row.archivedAt) {
    throw new AppError("validation_failed", `Invalid pipeline: ${field}: no live watermark asset ${id}`, {
      details: { fields: [{ field, message: row ? "this asset is archived" : "no asset with this id" }] },
    });
  }
}

/** The stored file of an asset, for rendering. */
export function assetFile(ctx: AppContext, id: string): { file: string; row: AssetRow } {
  const row = requireAsset(ctx, id);
  return { file: resolveKey(ctx.paths, row.storageKey), row };
}

/** GET /api/assets/:id/image: the stored bytes, typed by what the upload sniffed. */
export async function assetImage(ctx: AppContext, id: string): Promise<{ bytes: Buffer; headers: Record<string, string> }> {
  const { file, row } = assetFile(ctx, id);
  const bytes = await fs.promises.readFile(file).catch(() => {
    throw new AppError("not_found", "The asset's file is missing on disk.", { details: { asset_id: id } });
  });
  return {
    bytes,
    headers: {
      "Content-Type": row.mime,
      "Content-Length": String(bytes.length),
      "X-Content-Type-Options": "nosniff",
      // Content-addressed: an id's bytes never change.
      "Cache-Control": "private, max-age=86400, immutable",
    },
  };
}
