import fs from "node:fs";
import path from "node:path";
import type { AppContext } from "@/features/shared/context";
import { resolveKey } from "@/features/shared/paths";

export interface DeletedBatch {
  batchId: string;
  freedBytes: number;
}

/**
 * Removes a batch's rows (files, jobs and attempts cascade) in one transaction, then its outputs,
 * thumbnails and any input no other batch still references. Files go after the commit: a crash in
 * between leaves only unreferenced files, which the next cleanup removes, never a row without its file.
 * The caller makes sure no job of the batch is running (cancel first).
 */
export function deleteBatchWithFiles(ctx: AppContext, batchId: string): DeletedBatch | undefined {
  const sqlite = ctx.db.$client;
  const removed = sqlite
    .transaction(() => {
      const batch = sqlite.prepare("SELECT id FROM batches WHERE id = ?").get(batchId);
      if (!batch) return undefined;
      const files = sqlite
        .prepare("SELECT id, sha256, storage_key, size FROM files WHERE batch_id = ?")
        .all(batchId) as { id: string; sha256: string; storage_key: string; size: number }[];
      const outputBytes = (
        sqlite.prepare("SELECT coalesce(sum(output_size), 0) AS n FROM jobs WHERE batch_id = ? AND output_key IS NOT NULL").get(batchId) as { n: number }
      ).n;
      sqlite.prepare("DELETE FROM batches WHERE id = ?").run(batchId);
      const stillUsed = sqlite.prepare("SELECT 1 FROM files WHERE sha256 = ? LIMIT 1");
      const orphanInputs = new Map<string, number>();
      for (const f of files) if (!stillUsed.get(f.sha256)) orphanInputs.set(f.storage_key, f.size);
      return { files, outputBytes, orphanInputs };
    })
    .immediate();
  if (!removed) return undefined;

  let freedBytes = removed.outputBytes;
  fs.rmSync(path.join(ctx.paths.outputs, batchId), { recursive: true, force: true });
  for (const f of removed.files) fs.rmSync(path.join(ctx.paths.thumbs, `${f.id}.webp`), { force: true });
  for (const [key, size] of removed.orphanInputs) {
    try {
      fs.rmSync(resolveKey(ctx.paths, key), { force: true });
      freedBytes += size;
    } catch (error) {
      ctx.log.warn({ err: error, key }, "could not remove input file");
    }
  }
  ctx.log.info({ batchId, freedBytes }, "batch deleted");
  return { batchId, freedBytes };
}
