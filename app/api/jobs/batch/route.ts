import { submitBatch } from "@/features/seeds/seed001";
import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** Seed 001: `{pipeline_id, files: [{file_name, file_data}], batch_description}` -> 201 `{batch_id, base_directory_name, job_count, job_ids, status}`. */
export const POST = route(async (request, { auth }) => {
  const { status, body } = await submitBatch(getContext(), request, auth);
  return json(body, { status });
});
