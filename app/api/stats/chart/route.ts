import { getChartHistory } from "@/features/maintenance/chart";
import { chartQuerySchema } from "@/features/maintenance/schemas";
import { getContext } from "@/features/shared/context";
import { json, parseQuery, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** `?range=24h|7d|30d&pipeline_id=` -> one bucket per hour or day: runs by outcome, run times, throughput. */
export const GET = route(async (request) => json(getChartHistory(getContext(), parseQuery(request, chartQuerySchema))));
