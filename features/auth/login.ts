import type { AppContext } from "@/features/shared/context";
import { AppError } from "@/features/shared/errors";
import { decoyHash, verifyPassword } from "./passwords";
import * as q from "./queries";
import { createSession } from "./sessions";
import { assertNotThrottled, clearFailures, recordFailure } from "./throttle";
import { toUser, type User } from "./users";

const WRONG = "The email or password is not right.";

/**
 * Email + password -> a new session. A wrong email, a wrong password and a disabled account get
 * the same answer after the same work (an scrypt run against a decoy hash when there is no user),
 * so the answer never tells whether an account exists.
 */
export async function logIn(
  ctx: AppContext,
  input: { email: string; password: string },
  client: { address: string; userAgent: string | null },
): Promise<{ user: User; cookieValue: string; maxAgeSeconds: number }> {
  const accountKey = `login:account:${input.email}`;
  const keys = [accountKey, `login:address:${client.address}`];
  assertNotThrottled(ctx, keys);
  const row = q.findUserByEmail(ctx.db, input.email);
  const matches = await verifyPassword(input.password, row?.passwordHash ?? (await decoyHash()));
  if (!row || !matches || row.disabledAt !== null) {
    recordFailure(ctx, keys);
    ctx.log.info({ address: client.address }, "sign-in refused");
    throw new AppError("unauthenticated", WRONG);
  }
  clearFailures(ctx, accountKey);
  const session = createSession(ctx, row.id, client);
  ctx.log.info({ userId: row.id }, "signed in");
  return { user: toUser(row), ...session };
}
