import { getContext } from "@/features/shared/context";
import { route } from "@/features/shared/http";
import { openThumbnail } from "@/features/pipelines/serve";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_request, { params }) => {
  const { id } = await params;
  const file = await openThumbnail(getContext(), id);
  return new Response(file.body, { status: 200, headers: file.headers });
});
