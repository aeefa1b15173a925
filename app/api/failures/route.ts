import { failuresQuerySchema } from "@/features/failures/schemas";
import { listFailures } from "@/features/failures/service";
import { getContext } from "@/features/shared/context";
import { json, parseQuery, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** `?from&to&pipeline_id&limit` -> open failures grouped by error code and message. */
export const GET = route(async (request) => {
  return json(listFailures(getContext(), parseQuery(request, failuresQuerySchema)));
});
