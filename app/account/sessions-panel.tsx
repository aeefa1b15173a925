"use client";

import { useState } from "react";
import useSWR from "swr";
import { ApiError } from "@/app/_shared/api";
import { ErrorBanner } from "@/app/_shared/banner";
import { ConfirmDialog } from "@/app/_shared/dialog";
import { formatDateTime } from "@/app/_shared/format";
import { cardClass, dangerButton, secondaryButton } from "@/app/_shared/styles";
import { api, describeAgent, SESSIONS_URL, type SessionSummary } from "./api";

const failed = (e: unknown, what: string) => (e instanceof ApiError ? `${what}: ${e.message}` : `${what}.`);

function SessionItem({ session, onSignOut }: { session: SessionSummary; onSignOut(): void }) {
  const device = describeAgent(session.user_agent);
  return (
    <li className="flex flex-wrap items-start justify-between gap-2 py-3">
      <div className="min-w-0">
        <p className="flex flex-wrap items-center gap-2 font-medium">
          <span title={session.user_agent ?? undefined}>{device}</span>
          {session.current && (
            <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-800 dark:bg-emerald-900/60 dark:text-emerald-200">
              This browser
            </span>
          )}
        </p>
        <p className="text-xs text-slate-600 dark:text-slate-400">
          {session.address ?? "unknown address"} · signed in {formatDateTime(session.created_at)} · last active {formatDateTime(session.last_seen_at)}
        </p>
      </div>
      {!session.current && (
        <button type="button" onClick={onSignOut} className={secondaryButton} aria-label={`Sign out ${device}, ${session.address ?? "unknown address"}`}>
          Sign out
        </button>
      )}
    </li>
  );
}

/** Where this account is signed in; any other browser can be signed out, or all of them at once. */
export function SessionsPanel() {
  const { data, error, mutate } = useSWR(SESSIONS_URL, api.sessions);
  const [actionError, setActionError] = useState("");
  const [confirmAll, setConfirmAll] = useState(false);

  const signOut = async (id: string) => {
    setActionError("");
    try {
      await api.endSession(id);
    } catch (e) {
      setActionError(failed(e, "Could not sign that session out"));
    }
    await mutate();
  };

  // This browser's session ends too, so the only place left to go is the sign-in page.
  const signOutEverywhere = async () => {
    setActionError("");
    try {
      await api.endAllSessions();
      window.location.assign("/login");
    } catch (e) {
      setActionError(failed(e, "Could not sign out everywhere"));
    }
  };

  return (
    <section aria-labelledby="sessions-title" className={`${cardClass} space-y-3`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="sessions-title" className="text-lg font-semibold">Sessions</h2>
        <button type="button" onClick={() => setConfirmAll(true)} className={dangerButton}>
          Sign out everywhere
        </button>
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-400">Browsers signed in to this account. API tokens are not affected.</p>
      {actionError && <ErrorBanner message={actionError} onDismiss={() => setActionError("")} />}
      {error ? (
        <ErrorBanner message={failed(error, "Could not load the sessions")} onRetry={() => mutate()} />
      ) : !data ? (
        <p className="text-sm text-slate-500">Loading sessions…</p>
      ) : (
        <ul aria-label="Sessions" className="divide-y divide-slate-200 dark:divide-slate-800">
          {data.data.map((s) => (
            <SessionItem key={s.id} session={s} onSignOut={() => signOut(s.id)} />
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={confirmAll}
        title="Sign out everywhere?"
        body="Every browser signed in to this account is signed out, this one included. API tokens keep working."
        confirmLabel="Sign out everywhere"
        onConfirm={signOutEverywhere}
        onClose={() => setConfirmAll(false)}
      />
    </section>
  );
}
