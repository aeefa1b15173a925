import { getBatchDetail } from "@/features/batches/detail";
import { jsonWithEtag } from "@/features/batches/etag";
import { updateBatchSchema } from "@/features/batches/schemas";
import { removeBatch, updateBatch } from "@/features/batches/service";
import { getContext } from "@/features/shared/context";
import { json, parseJsonBody, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (request, { params }) => {
  const { id } = await params;
  return jsonWithEtag(request, getBatchDetail(getContext(), id));
});

/** { priority?, description?, pinned? } -> 200 + batch detail. */
export const PATCH = route<{ id: string }>(async (request, { params, auth }) => {
  const { id } = await params;
  const input = await parseJsonBody(request, updateBatchSchema);
  return json(updateBatch(getContext(), id, input, auth));
});

/** Cancels first when active, then removes rows, outputs and unreferenced inputs. */
export const DELETE = route<{ id: string }>(async (_request, { params, auth }) => {
  const { id } = await params;
  await removeBatch(getContext(), id, auth);
  return new Response(null, { status: 204 });
});
