import { clientAddress } from "@/features/auth/client";
import { clientOf, signedInResponse } from "@/features/auth/responses";
import { setupSchema } from "@/features/auth/schemas";
import { completeSetup, setupState } from "@/features/auth/setup";
import { getContext } from "@/features/shared/context";
import { json, parseJsonBody, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** {needed, local}: whether setup is still open, and whether this client may use it without the code. */
export const GET = route(
  async (request) => {
    const ctx = getContext();
    return json(setupState(ctx, clientAddress(request, ctx.config)));
  },
  { access: "public" },
);

/** {email, password, code?} -> 201 {user} and a session: the first admin. 409 once anyone exists. */
export const POST = route(
  async (request) => {
    const ctx = getContext();
    const input = await parseJsonBody(request, setupSchema);
    return signedInResponse(request, ctx.config, await completeSetup(ctx, input, clientOf(request, ctx.config)), 201);
  },
  { access: "public" },
);
