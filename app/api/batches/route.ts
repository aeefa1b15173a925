import { jsonWithEtag } from "@/features/batches/etag";
import { listBatches } from "@/features/batches/list";
import { listBatchesQuerySchema } from "@/features/batches/schemas";
import { getContext } from "@/features/shared/context";
import { json, parseQuery, route } from "@/features/shared/http";
import { acceptUpload } from "@/features/uploads/service";

export const dynamic = "force-dynamic";

/** Filtered, sorted, paged batch summaries -> {data, total, limit, offset}; ETag/304 for polling. */
export const GET = route(async (request, { auth }) => {
  const query = parseQuery(request, listBatchesQuerySchema);
  return jsonWithEtag(request, listBatches(getContext(), query, auth));
});

/**
 * Upload: multipart (streamed to disk by busboy, never buffered whole) or JSON with base64 files. 201 + batch
 * detail; 200 + the earlier batch when an Idempotency-Key repeats within 24 h.
 */
export const POST = route(async (request, { auth }) => {
  const { batch, created } = await acceptUpload(getContext(), request, auth);
  return json(batch, { status: created ? 201 : 200, headers: created ? undefined : { "Idempotent-Replayed": "true" } });
});
