import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";
import { clientKey, rateLimitState } from "@/features/uploads/rate-limit";

export const dynamic = "force-dynamic";

/** Upload allowance of the calling client: {limit, window_seconds, remaining, reset_at}. */
export const GET = route(async (request) => {
  const ctx = getContext();
  return json(rateLimitState(ctx, clientKey(request), ctx.clock.now()), { headers: { "Cache-Control": "no-store" } });
});
