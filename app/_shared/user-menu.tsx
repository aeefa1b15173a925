"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import type { Role } from "@/features/auth/scopes";
import { ApiError, send } from "./api";
import { RoleBadge } from "./role-badge";

const linkClass = "rounded-md px-3 py-1.5 font-medium transition-colors";
const idleLink = "text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white";
const activeLink = "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900";

/** Who is signed in, a link to their account, and Sign out (a full navigation, so no page keeps stale data). */
export function UserMenu({ email, role }: { email: string; role: Role }) {
  const pathname = usePathname();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  const signOut = async () => {
    setBusy(true);
    setError("");
    try {
      await send("POST", "/api/auth/logout");
      window.location.assign("/login");
    } catch (e) {
      setError(e instanceof ApiError ? `Could not sign out: ${e.message}` : "Could not sign out.");
      setBusy(false);
    }
  };

  const onAccount = pathname.startsWith("/account");
  return (
    <div className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1 text-sm sm:ml-auto">
      <span className="flex min-w-0 items-center gap-2" data-testid="signed-in-as">
        <span className="sr-only">Signed in as</span>
        <span className="max-w-[16rem] truncate text-slate-700 dark:text-slate-300" title={email}>
          {email}
        </span>
        <RoleBadge role={role} />
      </span>
      {/* Account and Sign out stay together when the header wraps on a phone. */}
      <span className="flex items-center gap-1">
        <Link href="/account" aria-current={onAccount ? "page" : undefined} className={`${linkClass} ${onAccount ? activeLink : idleLink}`}>
          Account
        </Link>
        <button type="button" onClick={signOut} disabled={busy} className={`${linkClass} ${idleLink} disabled:opacity-50`}>
          {busy ? "Signing out…" : "Sign out"}
        </button>
      </span>
      {error && (
        <p role="alert" className="w-full text-xs text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}
