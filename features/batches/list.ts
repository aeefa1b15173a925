import type { AppContext } from "@/features/shared/context";
import { toBatchSummary, type BatchSummary } from "./detail";
import { countMatchingBatches, selectBatchPage } from "./list-queries";
import { ownerEmails } from "./queries";
import type { ListBatchesQuery } from "./schemas";

export interface BatchPage {
  data: (BatchSummary & { owner_email: string | null })[];
  total: number;
  limit: number;
  offset: number;
}

/** GET /api/batches: one page of batch summaries plus the number of matching batches. */
export function listBatches(ctx: AppContext, query: ListBatchesQuery, viewer?: { userId: string }): BatchPage {
  if (query.owner === "me") query = { ...query, owner: viewer?.userId ?? "" };
  const { rows, knownTotal } = selectBatchPage(ctx.db, query);
  const total = knownTotal ?? countBatches(ctx, rows.length, query);
  const now = ctx.clock.now();
  const emails = ownerEmails(ctx.db);
  const data = rows.map((row) => ({ ...toBatchSummary(row, now, ctx.config.RETENTION_DAYS), owner_email: row.owner ? (emails.get(row.owner) ?? null) : null }));
  return { data, total, limit: query.limit, offset: query.offset };
}

/**
 * The matching count. A page that is not full already tells the count, which saves the query on
 * narrow filters and last pages; otherwise it is counted.
 */
function countBatches(ctx: AppContext, pageRows: number, query: ListBatchesQuery): number {
  if (pageRows > 0 && pageRows < query.limit) return query.offset + pageRows;
  return countMatchingBatches(ctx.db, query);
}
