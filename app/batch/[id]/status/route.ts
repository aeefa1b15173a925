import { batchStatus } from "@/features/seeds/seed003";
import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** Seed 003: `{batch_id, session_id, status, total_photos, processed_count, failed_count, progress_percent, …}`. */
export const GET = route<{ id: string }>(async (_request, { params }) => {
  const { id } = await params;
  return json(batchStatus(getContext(), id));
});
