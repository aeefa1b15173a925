import { fetcher, send } from "@/app/_shared/api";
import type { Role } from "@/features/auth/scopes";
import type { User } from "@/features/auth/users";

export type { Role, User };
export type CreatedUser = User & { password?: string };

export const USERS_URL = "/api/users";

/** The users endpoints the page calls (admin only); errors arrive as the shared ApiError. */
export const api = {
  list: () => fetcher<{ data: User[] }>(USERS_URL),
  create: (body: { email: string; role: Role; password?: string }) => send<CreatedUser>("POST", USERS_URL, body),
  update: (id: string, body: { role?: Role; disabled?: boolean; upload_allowance?: string | null }) =>
    send<User>("PATCH", `${USERS_URL}/${encodeURIComponent(id)}`, body),
};

/**
 * A user's own upload allowance as the form edits it: the role's default (stored as null),
 * unlimited (`off`), or N uploads per unit (`3/hour`).
 */
export type AllowanceKind = "default" | "off" | "custom";
export interface AllowanceForm {
  kind: AllowanceKind;
  count: string;
  unit: string;
}

export function allowanceForm(value: string | null): AllowanceForm {
  if (value === null) return { kind: "default", count: "3", unit: "hour" };
  if (value === "off") return { kind: "off", count: "3", unit: "hour" };
  const [count = "3", unit = "hour"] = value.split("/");
  return { kind: "custom", count, unit };
}

/** The value the API takes, or the reason the form cannot give one. */
export function allowanceValue(form: AllowanceForm): { value: string | null } | { error: string } {
  if (form.kind === "default") return { value: null };
  if (form.kind === "off") return { value: "off" };
  const count = form.count.trim();
  if (!/^\d{1,6}$/.test(count) || Number(count) < 1) return { error: "Enter a whole number of uploads from 1 to 999999." };
  return { value: `${Number(count)}/${form.unit}` };
}

/** What a user may upload, in words: "default (3/hour)", "unlimited", "10/day". */
export function describeAllowance(value: string | null, role: Role, memberDefault: string | null): string {
  if (value === null) return `default (${role === "admin" ? "unlimited" : (memberDefault ?? "unlimited")})`;
  return value === "off" ? "unlimited" : value;
}
