import { endAllSessions } from "@/features/auth/sessions";
import { signedOutResponse } from "@/features/auth/responses";
import { getContext } from "@/features/shared/context";
import { route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** "Sign out everywhere": every session of the caller ends, this one too. Tokens are untouched. */
export const POST = route(async (request, { auth }) => {
  const ctx = getContext();
  endAllSessions(ctx, auth.userId);
  return signedOutResponse(request, ctx.config);
});
