import { batchJobsQuerySchema, listBatchJobs, seed004Errors } from "@/features/seeds/seed004";
import { getContext } from "@/features/shared/context";
import { json, parseQuery, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** Seed 004: `limit`, `offset`, `status`, `userId` -> `{success, data: [batch rows]}`. */
export const GET = route(async (request, { auth }) => {
  const query = parseQuery(request, batchJobsQuerySchema);
  return json(listBatchJobs(getContext(), query, auth));
}, { errors: seed004Errors });
