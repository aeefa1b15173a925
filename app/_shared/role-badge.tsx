import type { Role } from "@/features/auth/scopes";

const TONE: Record<Role, string> = {
  admin: "bg-indigo-100 text-indigo-800 dark:bg-indigo-900/60 dark:text-indigo-200",
  member: "bg-slate-200 text-slate-700 dark:bg-slate-700 dark:text-slate-200",
};

/** A user's role as a small pill, the same in the header, the account page and the users table. */
export function RoleBadge({ role }: { role: Role }) {
  return <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold ${TONE[role]}`}>{role}</span>;
}
