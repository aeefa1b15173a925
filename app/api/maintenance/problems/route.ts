import { getContext } from "@/features/shared/context";
import { json, parseQuery, route } from "@/features/shared/http";
import { recentProblems } from "@/features/maintenance/problems";
import { problemsQuerySchema } from "@/features/maintenance/schemas";

export const dynamic = "force-dynamic";

/** Recent failed, timed-out and crashed runs with their files: `?hours=24&limit=50&outcome=failed,crashed`. */
export const GET = route(async (request) => json(recentProblems(getContext(), parseQuery(request, problemsQuerySchema))));
