import { createHash, randomBytes } from "node:crypto";
import type { AppContext } from "@/features/shared/context";
import * as q from "./queries";
import type { Principal } from "./scopes";
import { roleScope } from "./scopes";

/**
 * Browser sessions. The cookie carries 32 random bytes; the table keeps only their SHA-256, so a
 * copy of the database signs nobody in. Expiry slides: a session used within SESSION_DAYS lives on
 * (the row is touched at most once a minute, so reads stay reads).
 */
export const SESSION_COOKIE = "batchyard_session";
const TOUCH_EVERY_MS = 60_000;

export const hashSecret = (secret: string): string => createHash("sha256").update(secret).digest("hex");

const lifetimeMs = (ctx: Pick<AppContext, "config">) => ctx.config.SESSION_DAYS * 86_400_000;

export function createSession(
  ctx: AppContext,
  userId: string,
  client: { userAgent: string | null; address: string },
): { cookieValue: string; maxAgeSeconds: number } {
  const secret = randomBytes(32).toString("base64url");
  const now = ctx.clock.now();
  q.deleteExpiredSessions(ctx.db, now);
  q.insertSession(ctx.db, {
    idHash: hashSecret(secret),
    userId,
    userAgent: client.userAgent?.slice(0, 300) ?? null,
    address: client.address,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + lifetimeMs(ctx),
  });
  return { cookieValue: secret, maxAgeSeconds: Math.floor(lifetimeMs(ctx) / 1000) };
}

/** The principal behind a session cookie, or null when it is unknown, expired or its user disabled. */
export function sessionPrincipal(ctx: AppContext, cookieValue: string): { principal: Principal; touched: boolean } | null {
  const idHash = hashSecret(cookieValue);
  const row = q.findSessionWithUser(ctx.db, idHash);
  const now = ctx.clock.now();
  if (!row || row.disabledAt !== null) return null;
  if (row.expiresAt <= now) {
    q.deleteSession(ctx.db, idHash);
    return null;
  }
  const touched = now - row.lastSeenAt >= TOUCH_EVERY_MS;
  if (touched) q.touchSession(ctx.db, idHash, now, now + lifetimeMs(ctx));
  return {
    principal: { userId: row.userId, email: row.email, role: row.role, scope: roleScope(row.role), via: "session", sessionHash: idHash },
    touched,
  };
}

export const endSession = (ctx: AppContext, idHash: string) => q.deleteSession(ctx.db, idHash);

export interface SessionSummary {
  id: string;
  current: boolean;
  user_agent: string | null;
  address: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

/** A user's sessions for the account page; `id` is a prefix of the hash, enough to sign one out. */
export function listSessions(ctx: AppContext, principal: Principal): SessionSummary[] {
  return q.listUserSessions(ctx.db, principal.userId).map((row) => ({
    id: row.idHash.slice(0, 16),
    current: row.idHash === principal.sessionHash,
    user_agent: row.userAgent,
    address: row.address,
    created_at: new Date(row.createdAt).toISOString(),
    last_seen_at: new Date(row.lastSeenAt).toISOString(),
    expires_at: new Date(row.expiresAt).toISOString(),
  }));
}

/** Signs out one of the user's sessions by the id listSessions shows; false when there is none. */
export function endSessionById(ctx: AppContext, principal: Principal, id: string): boolean {
  const match = q.listUserSessions(ctx.db, principal.userId).find((row) => row.idHash.startsWith(id) && id.length === 16);
  return match ? q.deleteUserSession(ctx.db, principal.userId, match.idHash) > 0 : false;
}

/** "Sign out everywhere": every session of the user ends, this one included. */
export const endAllSessions = (ctx: AppContext, userId: string): number => q.deleteUserSessions(ctx.db, userId);
