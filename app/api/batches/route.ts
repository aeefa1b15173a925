import { jsonWithEtag } from "@/features/batches/etag";
import { listBatches } from "@/features/batches/list";
import { listBatchesQuerySchema } from "@/features/batches/schemas";
import { getContext } from "@/features/shared/context";
import { parseQuery, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** Filtered, sorted, paged batch summaries -> {data, total, limit, offset}; ETag/304 for polling. */
export const GET = route(async (request) => {
  const query = parseQuery(request, listBatchesQuerySchema);
  return jsonWithEtag(request, listBatches(getContext(), query));
});
