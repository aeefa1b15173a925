import { seed004Errors, uploadBatch } from "@/features/seeds/seed004";
import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** Seed 004: multipart `file` (repeated), `priority`, `user_id` -> 201 `{success, data: {batchId, totalFiles, status, files}}`. */
export const POST = route(async (request, { auth }) => {
  const { status, body } = await uploadBatch(getContext(), request, auth);
  return json(body, { status });
}, { errors: seed004Errors });
