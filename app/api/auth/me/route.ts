import { getUser } from "@/features/auth/users";
import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** The signed-in user and how they are signed in (session, or a token and its scope). */
export const GET = route(async (_request, { auth }) => {
  const user = getUser(getContext(), auth.userId);
  return json({ user, via: auth.via, scope: auth.scope, token_id: auth.tokenId ?? null });
});
