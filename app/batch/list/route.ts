import { listActiveBatches, listQuerySchema } from "@/features/seeds/seed003";
import { getContext } from "@/features/shared/context";
import { json, parseQuery, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** Seed 003: the active batches (pending, running, paused; `status` picks others) -> `{batches, count}`. */
export const GET = route(async (request, { auth }) => {
  const query = parseQuery(request, listQuerySchema);
  return json(listActiveBatches(getContext(), query, auth));
});
