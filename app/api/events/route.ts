import { openEventStream } from "@/features/live/stream";
import { getContext } from "@/features/shared/context";
import { route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** Server-sent events of batch, job and queue changes; `Last-Event-ID` resumes. */
export const GET = route(async (request) => openEventStream(getContext(), request));
