import { getContext } from "@/features/shared/context";
import { json, parseJsonBody, route } from "@/features/shared/http";
import { settingsPatchSchema } from "@/features/settings/schemas";
import { getSettings, updateSettings } from "@/features/settings/service";

export const dynamic = "force-dynamic";

/** The runtime settings: `{queue_concurrency, updated_at}`. */
export const GET = route(async () => json(getSettings(getContext())));

/** `{"queue_concurrency": 1..64}`; every engine applies it within a poll interval, running jobs are never stopped. */
export const PATCH = route(async (request, { auth }) => {
  const patch = await parseJsonBody(request, settingsPatchSchema);
  return json(updateSettings(getContext(), patch, auth));
}, { access: "admin" });
