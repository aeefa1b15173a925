import { z } from "zod";
import { getContext } from "@/features/shared/context";
import { parseQuery, route } from "@/features/shared/http";
import { openJobOutput } from "@/features/pipelines/serve";

export const dynamic = "force-dynamic";

const outputQuery = z.object({ download: z.enum(["0", "1", "true", "false"]).optional() }).strict();

export const GET = route<{ id: string }>(async (request, { params }) => {
  const { id } = await params;
  const query = parseQuery(request, outputQuery);
  const file = await openJobOutput(getContext(), id, { download: query.download === "1" || query.download === "true" });
  return new Response(file.body, { status: 200, headers: file.headers });
});
