import { randomBytes, timingSafeEqual } from "node:crypto";
import type { AppContext } from "@/features/shared/context";
import { AppError } from "@/features/shared/errors";
import { hashPassword } from "./passwords";
import * as q from "./queries";
import { createSession } from "./sessions";
import { assertNotThrottled, recordFailure } from "./throttle";
import { createUser, type User } from "./users";
import { isLoopbackAddress } from "./client";
import { randomUUID } from "node:crypto";

/**
 * First run. With no user in the database, /setup creates the first admin, but only for a client
 * on this machine (loopback) or one that types the one-time code the server prints in its log at
 * start, so nobody else on the network can race the owner to it. Headless installs set
 * ADMIN_EMAIL and ADMIN_PASSWORD instead.
 */

const holder = globalThis as unknown as { __batchyardSetupCode?: string };

/** Called at server start: creates the ADMIN_* admin, or prints where to go when there is no user. */
export async function prepareFirstRun(ctx: AppContext, url: string): Promise<void> {
  if (q.countUsers(ctx.db) > 0) return;
  const { ADMIN_EMAIL, ADMIN_PASSWORD } = ctx.config;
  if (ADMIN_EMAIL && ADMIN_PASSWORD) {
    await createUser(ctx, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, role: "admin" });
    ctx.log.info({ email: ADMIN_EMAIL }, "created the first admin from ADMIN_EMAIL");
    return;
  }
  holder.__batchyardSetupCode ??= randomBytes(6).toString("hex").toUpperCase();
  ctx.log.warn(
    { setupUrl: `${url}/setup`, setupCode: holder.__batchyardSetupCode },
    `No users yet: open ${url}/setup on this machine to create the first admin (from another machine, enter the setup code ${holder.__batchyardSetupCode})`,
  );
}

export interface SetupState {
  needed: boolean;
  /** Whether this client may set up without the code. */
  local: boolean;
}

export const setupState = (ctx: AppContext, address: string): SetupState => ({
  needed: q.countUsers(ctx.db) === 0,
  local: isLoopbackAddress(address),
});

function codeMatches(code: string | undefined): boolean {
  const expected = holder.__batchyardSetupCode;
  if (!expected || !code) return false;
  const a = Buffer.from(code.trim().toUpperCase());
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function completeSetup(
  ctx: AppContext,
  input: { email: string; password: string; code?: string },
  client: { address: string; userAgent: string | null },
): Promise<{ user: User; cookieValue: string; maxAgeSeconds: number }> {
  const throttleKey = `setup:address:${client.address}`;
  assertNotThrottled(ctx, [throttleKey]);
  if (q.countUsers(ctx.db) > 0) throw new AppError("conflict", "Batchyard is already set up. Sign in instead.");
  if (!isLoopbackAddress(client.address) && !codeMatches(input.code)) {
    recordFailure(ctx, [throttleKey]);
    throw new AppError("forbidden", "From another machine, setup needs the code printed in the server's log at start.", {
      details: { fields: [{ field: "code", message: "is missing or not right" }] },
    });
  }
  const passwordHash = await hashPassword(input.password);
  const now = ctx.clock.now();
  const id = randomUUID();
  // Two owners racing: the count and the insert share one write transaction, so only one wins.
  ctx.db.$client.transaction(() => {
    if (q.countUsers(ctx.db) > 0) throw new AppError("conflict", "Batchyard is already set up. Sign in instead.");
    q.insertUser(ctx.db, { id, email: input.email, role: "admin", passwordHash, uploadAllowance: null, disabledAt: null, createdAt: now, updatedAt: now });
  }).immediate();
  holder.__batchyardSetupCode = undefined;
  ctx.log.info({ userId: id }, "first admin created through /setup");
  const session = createSession(ctx, id, client);
  return { user: { id, email: input.email, role: "admin", disabled: false, upload_allowance: null, created_at: new Date(now).toISOString() }, ...session };
}
