import { idParamSchema, updateUserSchema } from "@/features/auth/schemas";
import { getUser, updateUser } from "@/features/auth/users";
import { getContext } from "@/features/shared/context";
import { json, parseJsonBody, parseWith, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(
  async (_request, { params }) => json(getUser(getContext(), parseWith(idParamSchema, await params, "path").id)),
  { access: "admin" },
);

/** {role?, disabled?, upload_allowance?, password?}: disabling ends the user's sessions and tokens at once. */
export const PATCH = route<{ id: string }>(
  async (request, { params }) => {
    const { id } = parseWith(idParamSchema, await params, "path");
    const input = await parseJsonBody(request, updateUserSchema);
    return json(await updateUser(getContext(), id, input));
  },
  { access: "admin" },
);
