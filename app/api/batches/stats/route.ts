import { batchStatsQuerySchema } from "@/features/batches/schemas";
import { getBatchStats } from "@/features/batches/stats";
import { getContext } from "@/features/shared/context";
import { json, parseQuery, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

export const GET = route(async (request) => {
  parseQuery(request, batchStatsQuerySchema);
  return json(getBatchStats(getContext()));
});
