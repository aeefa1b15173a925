import { getContext } from "@/features/shared/context";
import { json, parseQuery, route } from "@/features/shared/http";
import { previewNameQuerySchema } from "@/features/uploads/schemas";
import { previewBatchName } from "@/features/uploads/service";

export const dynamic = "force-dynamic";

/** The name an upload with these file names / prefix would get now (not reserved). */
export const GET = route(async (request) => {
  const query = parseQuery(request, previewNameQuerySchema);
  return json(previewBatchName(getContext(), query));
});
