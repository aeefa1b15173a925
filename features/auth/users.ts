import { randomUUID } from "node:crypto";
import type { UserRow } from "@/db/schema";
import type { AppContext } from "@/features/shared/context";
import { AppError, notFound } from "@/features/shared/errors";
import { hashPassword, verifyPassword } from "./passwords";
import * as q from "./queries";
import type { CreateUserInput, UpdateUserInput } from "./schemas";
import type { Principal, Role } from "./scopes";

/** Accounts: what the users page, the CLI and setup do with them. Users are disabled, never deleted. */

export interface User {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  upload_allowance: string | null;
  created_at: string;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    disabled: row.disabledAt !== null,
    upload_allowance: row.uploadAllowance,
    created_at: new Date(row.createdAt).toISOString(),
  };
}

export const hasUsers = (ctx: AppContext): boolean => q.countUsers(ctx.db) > 0;
export const listUsers = (ctx: AppContext): User[] => q.listUserRows(ctx.db).map(toUser);

export function getUser(ctx: AppContext, id: string): User {
  const row = q.findUserById(ctx.db, id);
  if (!row) throw notFound("user", id);
  return toUser(row);
}

export function findUserByEmail(ctx: AppContext, email: string): User | undefined {
  const row = q.findUserByEmail(ctx.db, email.trim().toLowerCase());
  return row && toUser(row);
}

/** Creates a user with a password already chosen (hash it before: scrypt is slow and async). */
export async function createUser(ctx: AppContext, input: CreateUserInput & { password: string }): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  const now = ctx.clock.now();
  const row: UserRow = {
    id: randomUUID(),
    email: input.email,
    role: input.role,
    passwordHash,
    uploadAllowance: input.upload_allowance ?? null,
    disabledAt: null,
    createdAt: now,
    updatedAt: now,
  };
  if (q.findUserByEmail(ctx.db, row.email)) throw new AppError("conflict", `A user with the email ${row.email} already exists.`);
  q.insertUser(ctx.db, row);
  ctx.log.info({ userId: row.id, role: row.role }, "user created");
  return toUser(row);
}

/**
 * Role, disabled flag, allowance or password. Disabling ends the user's sessions at once (their
 * tokens stop working because every token check reads the user). The last active admin can be
 * neither demoted nor disabled, so the install always has someone who can manage it.
 */
export async function updateUser(ctx: AppContext, id: string, input: UpdateUserInput): Promise<User> {
  const row = q.findUserById(ctx.db, id);
  if (!row) throw notFound("user", id);
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  const losesAdmin = row.role === "admin" && row.disabledAt === null && (input.role === "member" || input.disabled === true);
  const changes: Parameters<typeof q.updateUser>[2] = {};
  if (input.role) changes.role = input.role;
  if (input.upload_allowance !== undefined) changes.uploadAllowance = input.upload_allowance;
  if (passwordHash) changes.passwordHash = passwordHash;
  if (input.disabled !== undefined) changes.disabledAt = input.disabled ? (row.disabledAt ?? ctx.clock.now()) : null;
  ctx.db.$client.transaction(() => {
    if (losesAdmin && q.countActiveAdmins(ctx.db) <= 1) {
      throw new AppError("conflict", "This is the last active admin; make someone else an admin first.");
    }
    q.updateUser(ctx.db, id, changes, ctx.clock.now());
    if (input.disabled === true || passwordHash) q.deleteUserSessions(ctx.db, id);
  }).immediate();
  ctx.log.info({ userId: id, changes: Object.keys(input) }, "user updated");
  return getUser(ctx, id);
}

/** A signed-in user's own password change: the current password is asked again, other sessions end. */
export async function changeOwnPassword(ctx: AppContext, principal: Principal, current: string, next: string): Promise<void> {
  const row = q.findUserById(ctx.db, principal.userId);
  if (!row || !(await verifyPassword(current, row.passwordHash))) {
    throw new AppError("validation_failed", "The current password is not right.", {
      details: { fields: [{ field: "current_password", message: "is not right" }] },
    });
  }
  const passwordHash = await hashPassword(next);
  ctx.db.$client.transaction(() => {
    q.updateUser(ctx.db, row.id, { passwordHash }, ctx.clock.now());
    for (const session of q.listUserSessions(ctx.db, row.id)) {
      if (session.idHash !== principal.sessionHash) q.deleteSession(ctx.db, session.idHash);
    }
  }).immediate();
  ctx.log.info({ userId: row.id }, "password changed");
}

/** Role and own allowance of a user, for the upload allowance; undefined when there is no such user. */
export function findUserRole(ctx: AppContext, id: string): Pick<User, "role" | "upload_allowance" | "disabled"> | undefined {
  const row = q.findUserById(ctx.db, id);
  return row && { role: row.role, upload_allowance: row.uploadAllowance, disabled: row.disabledAt !== null };
}
