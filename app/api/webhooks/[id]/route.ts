import { updateWebhookSchema } from "@/features/webhooks/schemas";
import { deleteWebhook, getWebhook, updateWebhook } from "@/features/webhooks/service";
import { getContext } from "@/features/shared/context";
import { json, parseJsonBody, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** The endpoint and its latest 50 deliveries (status, answer, response time, attempts). */
export const GET = route<{ id: string }>(async (_request, { params }) => json(getWebhook(getContext(), (await params).id)), { access: "admin" });

export const PATCH = route<{ id: string }>(
  async (request, { params }) => {
    const input = await parseJsonBody(request, updateWebhookSchema);
    return json(await updateWebhook(getContext(), (await params).id, input));
  },
  { access: "admin" },
);

export const DELETE = route<{ id: string }>(
  async (_request, { params }) => {
    deleteWebhook(getContext(), (await params).id);
    return new Response(null, { status: 204 });
  },
  { access: "admin" },
);
