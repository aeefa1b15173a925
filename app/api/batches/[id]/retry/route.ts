import { runBatchAction } from "@/features/batches/service";
import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** POST /api/batches/:id/retry -> 200 + batch detail; 409 with a reason when the move is impossible. */
export const POST = route<{ id: string }>(async (_request, { params, auth }) => {
  const { id } = await params;
  return json(runBatchAction(getContext(), id, "retry", auth));
});
