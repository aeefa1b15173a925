import { getBatchJob, seed004Errors } from "@/features/seeds/seed004";
import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** Seed 004: `{success, data: {batch: {…, progressPercent}, files, summary}}`; 404 `{success: false, error}`. */
export const GET = route<{ id: string }>(async (_request, { params }) => {
  const { id } = await params;
  return json(getBatchJob(getContext(), id));
}, { errors: seed004Errors });
