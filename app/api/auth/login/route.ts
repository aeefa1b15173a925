import { logIn } from "@/features/auth/login";
import { clientOf, signedInResponse } from "@/features/auth/responses";
import { loginSchema } from "@/features/auth/schemas";
import { getContext } from "@/features/shared/context";
import { parseJsonBody, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** {email, password} -> 200 {user} and the session cookie; 401 for any wrong pair; 429 when throttled. */
export const POST = route(
  async (request) => {
    const ctx = getContext();
    const input = await parseJsonBody(request, loginSchema);
    return signedInResponse(request, ctx.config, await logIn(ctx, input, clientOf(request, ctx.config)));
  },
  { access: "public" },
);
