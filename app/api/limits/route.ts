import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";
import { rateLimitState, uploadAllowance } from "@/features/uploads/rate-limit";

export const dynamic = "force-dynamic";

/** Upload allowance of the signed-in user: {limit, window_seconds, remaining, reset_at}; limit null = unlimited. */
export const GET = route(async (_request, { auth }) => {
  const ctx = getContext();
  return json(rateLimitState(ctx, uploadAllowance(ctx, auth.userId), ctx.clock.now()), { headers: { "Cache-Control": "no-store" } });
});
