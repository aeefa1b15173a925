import { actOnFailureGroup } from "@/features/failures/actions";
import { failureGroupSchema } from "@/features/failures/schemas";
import { getContext } from "@/features/shared/context";
import { json, parseJsonBody, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** {error_code, error_message, from?, to?, pipeline_id?} -> the group's failures leave the Failures view, per batch. */
export const POST = route(async (request, { auth }) => {
  const input = await parseJsonBody(request, failureGroupSchema);
  return json(await actOnFailureGroup(getContext(), input, "dismiss", auth));
});
