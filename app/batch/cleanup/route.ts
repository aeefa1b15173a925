import { cleanupBodySchema } from "@/features/maintenance/schemas";
import { cleanupBatches } from "@/features/seeds/seed003";
import { getContext } from "@/features/shared/context";
import { json, parseJsonBody, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** Seed 003, admins only: `{days_old}` (empty body: RETENTION_DAYS) -> `{message, cleaned_count, days_old}`. */
export const POST = route(async (request) => {
  const options = await parseJsonBody(request, cleanupBodySchema, { emptyIsObject: true });
  return json(await cleanupBatches(getContext(), options));
}, { access: "admin" });
