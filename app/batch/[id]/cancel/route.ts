import { controlBatch } from "@/features/seeds/seed003";
import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** Seed 003: the batch's owner or an admin; 200 `{message, batch_id}`, 409 when the batch cannot be cancelled now. */
export const POST = route<{ id: string }>(async (_request, { params, auth }) => {
  const { id } = await params;
  return json(controlBatch(getContext(), id, "cancel", auth));
});
