import { endSession } from "@/features/auth/sessions";
import { signedOutResponse } from "@/features/auth/responses";
import { getContext } from "@/features/shared/context";
import { route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** Ends this browser's session (if any) and clears the cookie: 204. */
export const POST = route(
  async (request, { auth }) => {
    const ctx = getContext();
    if (auth?.sessionHash) endSession(ctx, auth.sessionHash);
    return signedOutResponse(request, ctx.config);
  },
  { access: "public" },
);
