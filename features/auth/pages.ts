import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { getContext } from "@/features/shared/context";
import { countUsers } from "./queries";
import type { Principal } from "./scopes";
import { SESSION_COOKIE, sessionPrincipal } from "./sessions";

/**
 * Page gate, called first by every page's server component (API routes use route() instead).
 * Without a session it redirects: to /setup while there is no user at all, else to
 * /login?next=<this page>.
 */
export async function requirePageUser(path: string): Promise<Principal> {
  const principal = await currentPageUser();
  if (principal) return principal;
  if (countUsers(getContext().db) === 0) redirect("/setup");
  redirect(`/login?next=${encodeURIComponent(path)}`);
}

/** The signed-in user of this page request, or null. */
export async function currentPageUser(): Promise<Principal | null> {
  const value = (await cookies()).get(SESSION_COOKIE)?.value;
  return value ? (sessionPrincipal(getContext(), value)?.principal ?? null) : null;
}

/** Where to go after signing in: only a path on this site, never another origin. */
export function safeNext(next: string | string[] | undefined): string {
  const value = Array.isArray(next) ? next[0] : next;
  return value && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/";
}
