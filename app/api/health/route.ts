import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";
import { getHealth } from "@/features/maintenance/health";

export const dynamic = "force-dynamic";

/** Anonymous callers (load balancers, the test harness) learn only `{status}`; signed-in ones get the details. */
export const GET = route(
  async (_request, { auth }) => {
    const health = getHealth(getContext());
    const status = health.db.ok ? 200 : 503;
    return json(auth ? health : { status: health.status }, { status });
  },
  { access: "public" },
);
