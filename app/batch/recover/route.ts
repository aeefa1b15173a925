import { recoverBatches } from "@/features/seeds/seed003";
import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** Seed 003, admins only: requeues work of dead workers -> `{message, recovered_count, failed_count, timestamp}`. */
export const POST = route(async () => json(recoverBatches(getContext())), { access: "admin" });
