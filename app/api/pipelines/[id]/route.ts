import { getContext } from "@/features/shared/context";
import { BODY_LIMITS, json, parseJsonBody, parseQuery, route } from "@/features/shared/http";
import { deletePipelineQuerySchema, updatePipelineSchema } from "@/features/pipelines/schemas";
import { deletePipeline, getPipeline, updatePipeline } from "@/features/pipelines/service";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_request, { params }) => {
  const { id } = await params;
  return json(getPipeline(getContext(), id));
});

export const PATCH = route<{ id: string }>(async (request, { params }) => {
  const { id } = await params;
  const patch = await parseJsonBody(request, updatePipelineSchema, { maxBytes: BODY_LIMITS.large });
  return json(updatePipeline(getContext(), id, patch));
}, { access: "admin" });

/**
 * 200 `{outcome:"deleted",id}` for an unused pipeline, `{outcome:"archived",pipeline}` for one jobs
 * used; `?new_default=<id>` makes that pipeline the default in the same step.
 */
export const DELETE = route<{ id: string }>(async (request, { params }) => {
  const { id } = await params;
  const query = parseQuery(request, deletePipelineQuerySchema);
  return json(deletePipeline(getContext(), id, { newDefault: query.new_default }));
}, { access: "admin" });
