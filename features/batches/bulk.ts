import type { AppContext } from "@/features/shared/context";
import { AppError } from "@/features/shared/errors";
import type { Actor } from "./access";
import { attempt, inChunks, type BatchRef, type BulkResult, type Op } from "./bulk-chunks";
import { bulkDelete } from "./bulk-delete";
import { cancelBatch, pauseBatch, resumeBatch, retryFailedJobs, setBatchPriority } from "./controls";
import { selectMatchingBatchRefs } from "./list-queries";
import { findBatch, findBatchRefs, updateBatchFields } from "./queries";
import { BULK_MAX_BATCHES, BULK_MAX_DOWNLOAD, type BulkAction, type BulkBody, type BulkDownloadQuery } from "./schemas";

/**
 * POST /api/batches/bulk: one action over many batches (docs/api.md, Bulk actions). The targets are
 * read once (the ids given, or a snapshot of what the filter matches), then acted on in chunks of
 * at most BULK_CHUNK batches or CHUNK_BUDGET_MS, each chunk one IMMEDIATE transaction with each
 * batch in its own savepoint (the controls' own transactions nest), and the event loop gets a turn
 * between chunks. So a 10,000-batch action holds the write lock for tens of milliseconds at a time,
 * and the queue and other requests go on in between (docs/benchmarks.md, Bulk actions).
 */

export interface BulkReport {
  action: BulkAction;
  total: number;
  done: number;
  skipped: number;
  results: BulkResult[];
  /** How the work was cut: transactions, and the longest one (the longest the write lock was held). */
  chunks: number;
  longest_chunk_ms: number;
}

function operation(body: BulkBody): Op {
  switch (body.action) {
    case "pause":
      return pauseBatch;
    case "resume":
      return resumeBatch;
    case "cancel":
      return (ctx, id) => void cancelBatch(ctx, id);
    case "retry":
      return (ctx, id) => void retryFailedJobs(ctx, id);
    case "priority":
      return (ctx, id) => setBatchPriority(ctx, id, body.priority!);
    case "pin":
    case "unpin":
      return (ctx, id) => setPinned(ctx, id, body.action === "pin");
    case "delete":
      throw new Error("delete runs through bulkDelete");
  }
}

function setPinned(ctx: AppContext, id: string, pinned: boolean): void {
  const row = findBatch(ctx.db.$client, id);
  if (row?.pinned === pinned) throw new AppError("conflict", pinned ? "Already pinned." : "Not pinned.", { details: { reason: "unchanged" } });
  updateBatchFields(ctx.db.$client, id, { pinned }, ctx.clock.now());
}

/** The batches a bulk request names: its ids in the order given, or the filter's matches, oldest first. */
export function resolveTargets(ctx: AppContext, body: Pick<BulkBody, "ids" | "filter">, actor: Actor, max = BULK_MAX_BATCHES): BatchRef[] {
  if (body.ids) {
    const ids = [...new Set(body.ids)];
    const names = new Map(findBatchRefs(ctx.db.$client, ids).map((ref) => [ref.id, ref.name]));
    return ids.map((id) => ({ id, name: names.get(id) ?? null }));
  }
  let filter = body.filter!;
  if (filter.owner === "me") filter = { ...filter, owner: actor === "system" ? "" : actor.userId };
  const refs = selectMatchingBatchRefs(ctx.db, filter, max);
  if (refs.length > max) {
    throw new AppError("payload_too_large", `The filter matches more than ${max} batches; narrow it and run the action in parts.`, {
      details: { max_batches: max },
    });
  }
  return refs;
}

/** The existing batches a download of several names (GET /api/batches/download); 404 when none. */
export function resolveDownloadTargets(ctx: AppContext, query: BulkDownloadQuery, actor: Actor): BatchRef[] {
  const refs = resolveTargets(ctx, "ids" in query ? { ids: query.ids } : query, actor, BULK_MAX_DOWNLOAD).filter((ref) => ref.name !== null);
  if (refs.length === 0) throw new AppError("not_found", "None of these batches exists.");
  return refs;
}

export async function runBulkAction(ctx: AppContext, body: BulkBody, actor: Actor): Promise<BulkReport> {
  const targets = resolveTargets(ctx, body, actor);
  const started = performance.now();
  const { results, lockMs } = body.action === "delete" ? await bulkDelete(ctx, targets, actor) : await runInChunks(ctx, targets, actor, operation(body));
  const done = results.filter((r) => r.outcome === "done").length;
  const report: BulkReport = {
    action: body.action,
    total: results.length,
    done,
    skipped: results.length - done,
    results,
    chunks: lockMs.length,
    longest_chunk_ms: Math.round(Math.max(0, ...lockMs) * 10) / 10,
  };
  ctx.log.info(
    { action: body.action, total: report.total, done, chunks: report.chunks, longestChunkMs: report.longest_chunk_ms, durationMs: Math.round(performance.now() - started) },
    "bulk action finished",
  );
  return report;
}

function runInChunks(ctx: AppContext, targets: BatchRef[], actor: Actor, op: Op) {
  return inChunks(ctx, targets, (ref) => attempt(ctx, actor, ref, op));
}
