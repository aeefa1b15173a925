import { idParamSchema } from "@/features/auth/schemas";
import { revokeToken } from "@/features/auth/tokens";
import { getContext } from "@/features/shared/context";
import { parseWith, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** Revokes a token at once: 204. */
export const DELETE = route<{ id: string }>(async (_request, { params, auth }) => {
  const { id } = parseWith(idParamSchema, await params, "path");
  revokeToken(getContext(), auth, id);
  return new Response(null, { status: 204 });
});
