import { getJobDetail } from "@/features/batches/jobs";
import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** One job with its attempts history. */
export const GET = route<{ id: string }>(async (_request, { params }) => {
  const { id } = await params;
  return json(getJobDetail(getContext(), id));
});
