import { idParamSchema } from "@/features/auth/schemas";
import { endSessionById } from "@/features/auth/sessions";
import { getContext } from "@/features/shared/context";
import { notFound } from "@/features/shared/errors";
import { parseWith, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** Signs out one of the caller's sessions: 204, or 404 when it is not theirs or gone. */
export const DELETE = route<{ id: string }>(async (_request, { params, auth }) => {
  const { id } = parseWith(idParamSchema, await params, "path");
  if (!endSessionById(getContext(), auth, id)) throw notFound("session", id);
  return new Response(null, { status: 204 });
});
