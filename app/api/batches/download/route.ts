import { resolveDownloadTargets } from "@/features/batches/bulk";
import { bulkDownloadQuerySchema } from "@/features/batches/schemas";
import { openBatchesDownload } from "@/features/downloads/several";
import { getContext } from "@/features/shared/context";
import { parseQuery, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** `?ids=a,b` or the list's filters -> one streamed ZIP with a folder per batch. */
export const GET = route(async (request, { auth }) => {
  const ctx = getContext();
  const targets = resolveDownloadTargets(ctx, parseQuery(request, bulkDownloadQuerySchema), auth);
  const download = await openBatchesDownload(ctx, targets.map((ref) => ref.id));
  return new Response(download.body, { status: 200, headers: download.headers });
});
