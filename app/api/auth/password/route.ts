import { changePasswordSchema } from "@/features/auth/schemas";
import { changeOwnPassword } from "@/features/auth/users";
import { getContext } from "@/features/shared/context";
import { parseJsonBody, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** {current_password, new_password} -> 204; the user's other sessions end. */
export const POST = route(async (request, { auth }) => {
  const input = await parseJsonBody(request, changePasswordSchema);
  await changeOwnPassword(getContext(), auth, input.current_password, input.new_password);
  return new Response(null, { status: 204 });
});
