import { getBatchStats } from "@/features/batches/stats";
import { getContext } from "@/features/shared/context";
import { json, parseQuery, route } from "@/features/shared/http";
import { z } from "zod";

export const dynamic = "force-dynamic";

export const GET = route(async (request) => {
  parseQuery(request, z.object({}).strict());
  return json(getBatchStats(getContext()));
});
