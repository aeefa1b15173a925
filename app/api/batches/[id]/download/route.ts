import { getContext } from "@/features/shared/context";
import { route } from "@/features/shared/http";
import { openBatchDownload } from "@/features/downloads/service";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_request, { params }) => {
  const { id } = await params;
  const download = await openBatchDownload(getContext(), id);
  return new Response(download.body, { status: 200, headers: download.headers });
});
