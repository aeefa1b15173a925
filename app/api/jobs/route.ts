import { submitJob } from "@/features/seeds/seed001";
import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** Seed 001: one base64 file `{pipeline_id, file_name, file_data, batch_description}` -> 201 `{job_id, batch_id, status}`. */
export const POST = route(async (request, { auth }) => {
  const { status, body } = await submitJob(getContext(), request, auth);
  return json(body, { status });
});
