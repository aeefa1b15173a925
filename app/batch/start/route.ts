import { startBatch, startBatchSchema } from "@/features/seeds/seed003";
import { getContext } from "@/features/shared/context";
import { json, parseJsonBody, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** Seed 003: `{photo_ids, session_id?, config?}` -> 201 `{message, batch_id, photo_count}`, from stored originals. */
export const POST = route(async (request, { auth }) => {
  const input = await parseJsonBody(request, startBatchSchema);
  return json(startBatch(getContext(), input, auth), { status: 201 });
});
