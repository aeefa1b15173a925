import { getContext } from "@/features/shared/context";
import { json, parseJsonBody, route } from "@/features/shared/http";
import { runCleanup } from "@/features/maintenance/retention";
import { cleanupBodySchema } from "@/features/maintenance/schemas";

export const dynamic = "force-dynamic";

/** Runs retention cleanup now: `{days_old?}` (an empty body is `{}`) -> `{cleaned_count, freed_bytes, …}`. */
export const POST = route(async (request) => {
  const options = await parseJsonBody(request, cleanupBodySchema, { emptyIsObject: true });
  return json(await runCleanup(getContext(), options));
}, { access: "admin" });
