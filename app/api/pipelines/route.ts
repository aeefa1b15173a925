import { getContext } from "@/features/shared/context";
import { BODY_LIMITS, json, parseJsonBody, parseQuery, route } from "@/features/shared/http";
import { createPipelineSchema, listPipelinesQuerySchema } from "@/features/pipelines/schemas";
import { createPipeline, listPipelines } from "@/features/pipelines/service";

export const dynamic = "force-dynamic";

export const GET = route(async (request) => {
  const query = parseQuery(request, listPipelinesQuerySchema);
  const data = listPipelines(getContext(), { includeArchived: query.include_archived === "true" });
  return json({ data });
});

export const POST = route(async (request) => {
  const input = await parseJsonBody(request, createPipelineSchema, { maxBytes: BODY_LIMITS.large });
  return json(createPipeline(getContext(), input), { status: 201 });
}, { access: "admin" });
