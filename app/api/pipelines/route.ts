import { getContext } from "@/features/shared/context";
import { json, parseQuery, route } from "@/features/shared/http";
import { listPipelines } from "@/features/pipelines/queries";
import { z } from "zod";

export const dynamic = "force-dynamic";

const listQuery = z.object({ include_archived: z.enum(["true", "false"]).optional() }).strict();

export const GET = route(async (request) => {
  const query = parseQuery(request, listQuery);
  const data = listPipelines(getContext().db, { includeArchived: query.include_archived === "true" });
  return json({ data });
});
