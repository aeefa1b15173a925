import { generatePassword } from "@/features/auth/passwords";
import { createUserSchema } from "@/features/auth/schemas";
import { createUser, listUsers } from "@/features/auth/users";
import { getContext } from "@/features/shared/context";
import { json, parseJsonBody, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

export const GET = route(async () => json({ data: listUsers(getContext()) }), { access: "admin" });

/** {email, role, password?, upload_allowance?} -> 201; without a password one is generated and returned once. */
export const POST = route(
  async (request) => {
    const input = await parseJsonBody(request, createUserSchema);
    const generated = input.password ? undefined : generatePassword();
    const user = await createUser(getContext(), { ...input, password: input.password ?? generated! });
    return json({ ...user, ...(generated ? { password: generated } : {}) }, { status: 201 });
  },
  { access: "admin" },
);
