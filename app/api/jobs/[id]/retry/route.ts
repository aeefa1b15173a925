import { retryJobById } from "@/features/batches/service";
import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** Retries one failed job -> 200 + the job; 409 with a reason when it is not failed. */
export const POST = route<{ id: string }>(async (_request, { params, auth }) => {
  const { id } = await params;
  return json(retryJobById(getContext(), id, auth));
});
