import type { AppContext } from "@/features/shared/context";
import { toBatchSummary, type BatchSummary } from "./detail";
import { countMatchingBatches, selectBatchPage } from "./list-queries";
import type { ListBatchesQuery } from "./schemas";

export interface BatchPage {
  data: BatchSummary[];
  total: number;
  limit: number;
  offset: number;
}

/** GET /api/batches: one page of batch summaries plus the number of matching batches. */
export function listBatches(ctx: AppContext, query: ListBatchesQuery): BatchPage {
  const { rows, knownTotal } = selectBatchPage(ctx.db, query);
  const total = knownTotal ?? countBatches(ctx, rows.length, query);
  const now = ctx.clock.now();
  const data = rows.map((row) => toBatchSummary(row, now, ctx.config.RETENTION_DAYS));
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
