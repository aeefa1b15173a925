import { createWebhookSchema } from "@/features/webhooks/schemas";
import { createWebhook, listWebhooks, originOf } from "@/features/webhooks/service";
import { getContext } from "@/features/shared/context";
import { json, parseJsonBody, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

export const GET = route(async () => json(listWebhooks(getContext())), { access: "admin" });

/** {url, events[], secret} -> 201 webhook (the secret is never answered back). */
export const POST = route(
  async (request, { auth }) => {
    const input = await parseJsonBody(request, createWebhookSchema);
    const ctx = getContext();
    return json(await createWebhook(ctx, input, originOf(request, ctx.config), auth), { status: 201 });
  },
  { access: "admin" },
);
