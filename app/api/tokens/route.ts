import { createTokenSchema } from "@/features/auth/schemas";
import { createToken, listTokens } from "@/features/auth/tokens";
import { getContext } from "@/features/shared/context";
import { json, parseJsonBody, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** The caller's live tokens (never their secrets). */
export const GET = route(async (_request, { auth }) => json({ data: listTokens(getContext(), auth.userId) }));

/** {name, scope, expires_at?} -> 201 with `token`, shown this once. Scope never above the caller's role. */
export const POST = route(async (request, { auth }) => {
  const input = await parseJsonBody(request, createTokenSchema);
  return json(createToken(getContext(), auth, input), { status: 201 });
});
