import { sendTest } from "@/features/webhooks/service";
import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** Queues a `webhook.test` delivery -> 202 {delivery_id}; its result shows in the delivery log. */
export const POST = route<{ id: string }>(async (_request, { params }) => json(sendTest(getContext(), (await params).id), { status: 202 }), { access: "admin" });
