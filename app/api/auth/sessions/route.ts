import { listSessions } from "@/features/auth/sessions";
import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** The caller's browser sessions, the current one marked. */
export const GET = route(async (_request, { auth }) => json({ data: listSessions(getContext(), auth) }));
