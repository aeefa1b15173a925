import { randomBytes, timingSafeEqual } from "node:crypto";
import type { ApiTokenRow } from "@/db/schema";
import type { AppContext } from "@/features/shared/context";
import { AppError, notFound } from "@/features/shared/errors";
import * as q from "./queries";
import { hashSecret } from "./sessions";
import { narrowerScope, roleScope, scopeAllows, type Principal, type Scope } from "./scopes";

/**
 * API tokens: `byd_<id>_<secret>`. The id (10 characters) is public and shown in lists so people
 * can tell tokens apart; the secret is shown once at creation and stored only as its SHA-256.
 * A token acts with its own scope, never above its owner's current role.
 */
const PREFIX = "byd_";
const ID_LENGTH = 10;
const USED_EVERY_MS = 60_000;
const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

function newId(): string {
  return Array.from(randomBytes(ID_LENGTH), (byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join("");
}

export interface TokenSummary {
  id: string;
  name: string;
  scope: Scope;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toTokenSummary(row: ApiTokenRow): TokenSummary {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    prefix: `${PREFIX}${row.id}`,
    created_at: new Date(row.createdAt).toISOString(),
    last_used_at: iso(row.lastUsedAt),
    expires_at: iso(row.expiresAt),
  };
}

export function createToken(
  ctx: AppContext,
  owner: { userId: string; role: Principal["role"] },
  input: { name: string; scope: Scope; expires_at?: string | null },
): TokenSummary & { token: string } {
  if (!scopeAllows(roleScope(owner.role), input.scope)) {
    throw new AppError("forbidden", `A ${owner.role} cannot create a token with the ${input.scope} scope.`, {
      details: { field: "scope" },
    });
  }
  const now = ctx.clock.now();
  const expiresAt = input.expires_at ? Date.parse(input.expires_at) : null;
  if (expiresAt !== null && !(expiresAt > now)) throw new AppError("validation_failed", "expires_at must be in the future.");
  const secret = randomBytes(32).toString("base64url");
  const row: ApiTokenRow = {
    id: newId(),
    userId: owner.userId,
    name: input.name,
    scope: input.scope,
    secretHash: hashSecret(secret),
    createdAt: now,
    lastUsedAt: null,
    expiresAt,
    revokedAt: null,
  };
  q.insertToken(ctx.db, row);
  ctx.log.info({ tokenId: row.id, userId: owner.userId, scope: row.scope }, "api token created");
  return { ...toTokenSummary(row), token: `${PREFIX}${row.id}_${secret}` };
}

/** The principal a bearer token stands for, or null (unknown, wrong secret, revoked, expired, user disabled). */
export function tokenPrincipal(ctx: AppContext, bearer: string): Principal | null {
  if (!bearer.startsWith(PREFIX) || bearer[PREFIX.length + ID_LENGTH] !== "_") return null;
  const id = bearer.slice(PREFIX.length, PREFIX.length + ID_LENGTH);
  const row = q.findTokenWithUser(ctx.db, id);
  if (!row) return null;
  const presented = Buffer.from(hashSecret(bearer.slice(PREFIX.length + ID_LENGTH + 1)), "hex");
  if (!timingSafeEqual(presented, Buffer.from(row.secretHash, "hex"))) return null;
  const now = ctx.clock.now();
  if (row.revokedAt !== null || row.disabledAt !== null || (row.expiresAt !== null && row.expiresAt <= now)) return null;
  if (row.lastUsedAt === null || now - row.lastUsedAt >= USED_EVERY_MS) q.markTokenUsed(ctx.db, id, now);
  return {
    userId: row.userId,
    email: row.email,
    role: row.role,
    scope: narrowerScope(row.scope, roleScope(row.role)),
    via: "token",
    tokenId: row.id,
  };
}

export const listTokens = (ctx: AppContext, userId: string): TokenSummary[] => q.listUserTokens(ctx.db, userId).map(toTokenSummary);

/** Revokes one of the caller's tokens (an admin may revoke anyone's). */
export function revokeToken(ctx: AppContext, principal: Principal, id: string): void {
  const row = q.findToken(ctx.db, id);
  if (!row || row.revokedAt !== null || (row.userId !== principal.userId && principal.role !== "admin")) throw notFound("token", id);
  q.revokeToken(ctx.db, id, ctx.clock.now());
  ctx.log.info({ tokenId: id, by: principal.userId }, "api token revoked");
}
