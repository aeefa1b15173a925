import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";
import { getHealth } from "@/features/maintenance/health";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const health = getHealth(getContext());
  return json(health, { status: health.db.ok ? 200 : 503 });
});
