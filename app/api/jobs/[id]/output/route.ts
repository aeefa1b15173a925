import { getContext } from "@/features/shared/context";
import { parseQuery, route } from "@/features/shared/http";
import { jobOutputQuerySchema } from "@/features/pipelines/schemas";
import { openJobOutput } from "@/features/pipelines/serve";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (request, { params }) => {
  const { id } = await params;
  const query = parseQuery(request, jobOutputQuerySchema);
  const file = await openJobOutput(getContext(), id, { download: query.download === "1" || query.download === "true" });
  return new Response(file.body, { status: 200, headers: file.headers });
});
