import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";
import { runCleanup } from "@/features/maintenance/retention";
import { parseOptionalJsonBody } from "@/features/maintenance/request";
import { cleanupBodySchema } from "@/features/maintenance/schemas";

export const dynamic = "force-dynamic";

/** Runs retention cleanup now: `{days_old?}` -> `{cleaned_count, freed_bytes, …}`. */
export const POST = route(async (request) => {
  const options = await parseOptionalJsonBody(request, cleanupBodySchema);
  return json(await runCleanup(getContext(), options));
});
