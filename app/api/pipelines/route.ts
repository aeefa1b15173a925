import { getContext } from "@/features/shared/context";
import { json, parseJsonBody, parseQuery, route } from "@/features/shared/http";
import { listPipelines } from "@/features/pipelines/queries";
import { createPipelineSchema } from "@/features/pipelines/schemas";
import { createPipeline } from "@/features/pipelines/service";
import { z } from "zod";

export const dynamic = "force-dynamic";

const listQuery = z.object({ include_archived: z.enum(["true", "false"]).optional() }).strict();

export const GET = route(async (request) => {
  const query = parseQuery(request, listQuery);
  const data = listPipelines(getContext().db, { includeArchived: query.include_archived === "true" });
  return json({ data });
});

export const POST = route(async (request) => {
  const input = await parseJsonBody(request, createPipelineSchema);
  return json(createPipeline(getContext(), input), { status: 201 });
});
