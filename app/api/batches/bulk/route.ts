import { runBulkAction } from "@/features/batches/bulk";
import { bulkBodySchema } from "@/features/batches/schemas";
import { getContext } from "@/features/shared/context";
import { BODY_LIMITS, json, parseJsonBody, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/**
 * {action, ids? | filter?, priority?} -> 200 {action, total, done, skipped, results[]}: each batch
 * done or skipped with a reason (a member's action skips other people's batches as `forbidden`).
 */
export const POST = route(async (request, { auth }) => {
  const body = await parseJsonBody(request, bulkBodySchema, { maxBytes: BODY_LIMITS.large });
  return json(await runBulkAction(getContext(), body, auth));
});
