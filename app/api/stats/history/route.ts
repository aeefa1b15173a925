import { getHistory } from "@/features/maintenance/history";
import { historyQuerySchema } from "@/features/maintenance/schemas";
import { getContext } from "@/features/shared/context";
import { json, parseQuery, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** `?days=1..90` (default 30) -> one row per day in the server's time zone, oldest first. */
export const GET = route(async (request) => {
  const { days } = parseQuery(request, historyQuerySchema);
  return json(await getHistory(getContext(), days));
});
