import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";
import { watchStatus } from "@/features/watch/status";

export const dynamic = "force-dynamic";

/** The watch folder as this server last saw it: folders, files arriving and waiting, last batch, problems. */
export const GET = route(async () => json(watchStatus(getContext())));
