import type { AppDb } from "@/db/client";
import type { ApiTokenRow, SessionRow, UserRow } from "@/db/schema";
import { statement } from "@/db/statements";

/** Every SQL statement of accounts, sessions and tokens. Times are epoch milliseconds. */

const USER_COLUMNS = `id, email, role, password_hash AS passwordHash, upload_allowance AS uploadAllowance,
  disabled_at AS disabledAt, created_at AS createdAt, updated_at AS updatedAt`;

export const countUsers = (db: AppDb): number =>
  (statement(db.$client, "SELECT count(*) AS n FROM users").get() as { n: number }).n;

export const findUserById = (db: AppDb, id: string): UserRow | undefined =>
  statement(db.$client, `SELECT ${USER_COLUMNS} FROM users WHERE id = ?`).get(id) as UserRow | undefined;

export const findUserByEmail = (db: AppDb, email: string): UserRow | undefined =>
  statement(db.$client, `SELECT ${USER_COLUMNS} FROM users WHERE email = ?`).get(email) as UserRow | undefined;

export const listUserRows = (db: AppDb): UserRow[] =>
  statement(db.$client, `SELECT ${USER_COLUMNS} FROM users ORDER BY created_at, email`).all() as UserRow[];

export function insertUser(db: AppDb, row: UserRow): void {
  statement(
    db.$client,
    `INSERT INTO users (id, email, role, password_hash, upload_allowance, disabled_at, created_at, updated_at)
     VALUES (@id, @email, @role, @passwordHash, @uploadAllowance, @disabledAt, @createdAt, @updatedAt)`,
  ).run(row);
}

/** Changes the given columns of one user; returns whether the user exists. */
export function updateUser(
  db: AppDb,
  id: string,
  changes: Partial<Pick<UserRow, "role" | "passwordHash" | "uploadAllowance" | "disabledAt">>,
  now: number,
): boolean {
  const current = findUserById(db, id);
  if (!current) return false;
  const next = { ...current, ...changes, updatedAt: now };
  statement(
    db.$client,
    `UPDATE users SET role = @role, password_hash = @passwordHash, upload_allowance = @uploadAllowance,
       disabled_at = @disabledAt, updated_at = @updatedAt WHERE id = @id`,
  ).run(next);
  return true;
}

export const countActiveAdmins = (db: AppDb): number =>
  (statement(db.$client, "SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL").get() as { n: number }).n;

// Sessions

export function insertSession(db: AppDb, row: SessionRow): void {
  statement(
    db.$client,
    `INSERT INTO sessions (id_hash, user_id, user_agent, address, created_at, last_seen_at, expires_at)
     VALUES (@idHash, @userId, @userAgent, @address, @createdAt, @lastSeenAt, @expiresAt)`,
  ).run(row);
}

/** The session and its user in one indexed read: the whole cost of authenticating a browser request. */
export const findSessionWithUser = (db: AppDb, idHash: string) =>
  statement(
    db.$client,
    `SELECT s.id_hash AS idHash, s.user_id AS userId, s.last_seen_at AS lastSeenAt, s.expires_at AS expiresAt,
            u.email, u.role, u.disabled_at AS disabledAt
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`,
  ).get(idHash) as
    | (Pick<SessionRow, "idHash" | "userId" | "lastSeenAt" | "expiresAt"> & Pick<UserRow, "email" | "role" | "disabledAt">)
    | undefined;

export const touchSession = (db: AppDb, idHash: string, now: number, expiresAt: number) =>
  statement(db.$client, "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?").run(now, expiresAt, idHash);

export const deleteSession = (db: AppDb, idHash: string): number =>
  statement(db.$client, "DELETE FROM sessions WHERE id_hash = ?").run(idHash).changes;

export const deleteUserSession = (db: AppDb, userId: string, idHash: string): number =>
  statement(db.$client, "DELETE FROM sessions WHERE user_id = ? AND id_hash = ?").run(userId, idHash).changes;

export const deleteUserSessions = (db: AppDb, userId: string): number =>
  statement(db.$client, "DELETE FROM sessions WHERE user_id = ?").run(userId).changes;

export const deleteExpiredSessions = (db: AppDb, now: number): number =>
  statement(db.$client, "DELETE FROM sessions WHERE expires_at <= ?").run(now).changes;

export const listUserSessions = (db: AppDb, userId: string): SessionRow[] =>
  statement(
    db.$client,
    `SELECT id_hash AS idHash, user_id AS userId, user_agent AS userAgent, address, created_at AS createdAt,
            last_seen_at AS lastSeenAt, expires_at AS expiresAt
       FROM sessions WHERE user_id = ? ORDER BY last_seen_at DESC`,
  ).all(userId) as SessionRow[];

// API tokens

const TOKEN_COLUMNS = `id, user_id AS userId, name, scope, secret_hash AS secretHash, created_at AS createdAt,
  last_used_at AS lastUsedAt, expires_at AS expiresAt, revoked_at AS revokedAt`;

export function insertToken(db: AppDb, row: ApiTokenRow): void {
  statement(
    db.$client,
    `INSERT INTO api_tokens (id, user_id, name, scope, secret_hash, created_at, last_used_at, expires_at, revoked_at)
     VALUES (@id, @userId, @name, @scope, @secretHash, @createdAt, @lastUsedAt, @expiresAt, @revokedAt)`,
  ).run(row);
}

export const findTokenWithUser = (db: AppDb, id: string) =>
  statement(
    db.$client,
    `SELECT t.id, t.user_id AS userId, t.scope, t.secret_hash AS secretHash, t.last_used_at AS lastUsedAt,
            t.expires_at AS expiresAt, t.revoked_at AS revokedAt, u.email, u.role, u.disabled_at AS disabledAt
       FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?`,
  ).get(id) as
    | (Pick<ApiTokenRow, "id" | "userId" | "scope" | "secretHash" | "lastUsedAt" | "expiresAt" | "revokedAt"> &
        Pick<UserRow, "email" | "role" | "disabledAt">)
    | undefined;

export const listUserTokens = (db: AppDb, userId: string): ApiTokenRow[] =>
  statement(db.$client, `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC`).all(
    userId,
  ) as ApiTokenRow[];

export const findToken = (db: AppDb, id: string): ApiTokenRow | undefined =>
  statement(db.$client, `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = ?`).get(id) as ApiTokenRow | undefined;

export const revokeToken = (db: AppDb, id: string, now: number): number =>
  statement(db.$client, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").run(now, id).changes;

export const markTokenUsed = (db: AppDb, id: string, now: number) =>
  statement(db.$client, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?").run(now, id);

// Failed sign-ins, kept in the sliding-window table the upload allowance uses.

export const countEventsSince = (db: AppDb, key: string, since: number): { used: number; oldest: number | null } =>
  statement(db.$client, "SELECT count(*) AS used, min(created_at) AS oldest FROM rate_limit_events WHERE key = ? AND created_at > ?").get(
    key,
    since,
  ) as { used: number; oldest: number | null };

export const insertEvent = (db: AppDb, key: string, now: number) =>
  statement(db.$client, "INSERT INTO rate_limit_events (key, created_at) VALUES (?, ?)").run(key, now);

export const deleteEvents = (db: AppDb, key: string) => statement(db.$client, "DELETE FROM rate_limit_events WHERE key = ?").run(key);
