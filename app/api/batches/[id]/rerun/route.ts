import { getContext } from "@/features/shared/context";
import { json, parseJsonBody, route } from "@/features/shared/http";
import { rerunSchema } from "@/features/uploads/schemas";
import { rerunBatch } from "@/features/uploads/rerun";

export const dynamic = "force-dynamic";

/** JSON `{pipeline_ids, file_ids?, priority?, description?}`: 201 with the new batch's detail; 409 when the originals are gone. */
export const POST = route<{ id: string }>(async (request, { params, auth }) => {
  const { id } = await params;
  const input = await parseJsonBody(request, rerunSchema);
  return json(rerunBatch(getContext(), id, input, auth), { status: 201 });
});
