import type { ROLES, TOKEN_SCOPES } from "@/db/schema";

export type Role = (typeof ROLES)[number];
export type Scope = (typeof TOKEN_SCOPES)[number];

/** read < write < admin. A request may do what its scope allows and never more than its user's role. */
const LEVEL: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

/** The most a user of this role may do: members upload and control their own batches; admins everything. */
export const roleScope = (role: Role): Scope => (role === "admin" ? "admin" : "write");

export const scopeAllows = (have: Scope, need: Scope): boolean => LEVEL[have] >= LEVEL[need];

/** The lower of two scopes: a token never does more than its owner's role. */
export const narrowerScope = (a: Scope, b: Scope): Scope => (LEVEL[a] <= LEVEL[b] ? a : b);

/** Who is asking, as route() resolved it from the session cookie or a bearer token. */
export interface Principal {
  userId: string;
  email: string;
  role: Role;
  scope: Scope;
  via: "session" | "token";
  /** SHA-256 of the session id (sessions only): lets "sign out" name the current session. */
  sessionHash?: string;
  tokenId?: string;
}

export const isAdmin = (principal: Principal): boolean => principal.role === "admin" && principal.scope === "admin";
