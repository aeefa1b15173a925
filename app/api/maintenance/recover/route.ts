import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";
import { recoverOrphanedJobs } from "@/features/queue/recover";

export const dynamic = "force-dynamic";

/** Requeues jobs held by dead workers or expired leases: `{recovered_count}`. */
export const POST = route(async () => json(recoverOrphanedJobs(getContext())), { access: "admin" });
