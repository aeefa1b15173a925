"use client";

import { useState } from "react";
import useSWR from "swr";
import { ApiError } from "@/app/_shared/api";
import { ErrorBanner } from "@/app/_shared/banner";
import { ConfirmDialog } from "@/app/_shared/dialog";
import { formatDateTime } from "@/app/_shared/format";
import { SecretField } from "@/app/_shared/secret-field";
import { cardClass, secondaryButton } from "@/app/_shared/styles";
import type { Role } from "@/features/auth/scopes";
import { api, TOKENS_URL, type NewToken, type TokenSummary } from "./api";
import { TokenForm } from "./token-form";

const failed = (e: unknown, what: string) => (e instanceof ApiError ? `${what}: ${e.message}` : `${what}.`);

function TokenItem({ token, onRevoke }: { token: TokenSummary; onRevoke(): void }) {
  const facts: [string, string][] = [
    ["Scope", token.scope],
    ["Created", formatDateTime(token.created_at)],
    ["Last used", token.last_used_at ? formatDateTime(token.last_used_at) : "never"],
    ["Expires", token.expires_at ? formatDateTime(token.expires_at) : "never"],
  ];
  return (
    <li className="flex flex-wrap items-start justify-between gap-3 py-3">
      <div className="min-w-0">
        <p className="font-medium break-all">{token.name}</p>
        <p className="font-mono text-xs break-all text-slate-600 dark:text-slate-400">{token.prefix}…</p>
        <dl className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
          {facts.map(([term, value]) => (
            <div key={term} className="flex gap-1">
              <dt>{term}</dt>
              <dd className="font-medium text-slate-800 dark:text-slate-200">{value}</dd>
            </div>
          ))}
        </dl>
      </div>
      <button type="button" onClick={onRevoke} className={secondaryButton} aria-label={`Revoke ${token.name}`}>
        Revoke
      </button>
    </li>
  );
}

/** The account's API tokens: create one (its secret shown once), see when each was used, revoke. */
export function TokensPanel({ role }: { role: Role }) {
  const { data, error, mutate } = useSWR(TOKENS_URL, api.tokens);
  const [created, setCreated] = useState<NewToken | null>(null);
  const [target, setTarget] = useState<TokenSummary | null>(null);
  const [asking, setAsking] = useState(false);
  const [actionError, setActionError] = useState("");

  const revoke = async () => {
    if (!target) return;
    setActionError("");
    try {
      await api.revokeToken(target.id);
      if (created?.id === target.id) setCreated(null);
    } catch (e) {
      setActionError(failed(e, `Could not revoke “${target.name}”`));
    }
    await mutate();
  };

  return (
    <section aria-labelledby="tokens-title" className={`${cardClass} space-y-4`}>
      <div>
        <h2 id="tokens-title" className="text-lg font-semibold">API tokens</h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          For scripts and other programs: send one as <code className="font-mono">Authorization: Bearer &lt;token&gt;</code>. A token never does more than your role allows.
        </p>
      </div>
      {created && (
        <div className="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-3 dark:border-amber-700 dark:bg-amber-950/40" data-testid="new-token">
          <SecretField
            id="new-token-value"
            label={`Your new token “${created.name}”`}
            value={created.token}
            note="Copy it now: it will not be shown again."
          />
          <button type="button" onClick={() => setCreated(null)} className={secondaryButton}>
            Done, I have copied it
          </button>
        </div>
      )}
      <TokenForm
        role={role}
        onCreated={async (token) => {
          setCreated(token);
          await mutate();
        }}
      />
      <h3 className="border-t border-slate-200 pt-4 font-semibold dark:border-slate-800">Your tokens</h3>
      {actionError && <ErrorBanner message={actionError} onDismiss={() => setActionError("")} />}
      {error ? (
        <ErrorBanner message={failed(error, "Could not load the tokens")} onRetry={() => mutate()} />
      ) : !data ? (
        <p className="text-sm text-slate-500">Loading tokens…</p>
      ) : data.data.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No tokens yet.</p>
      ) : (
        <ul aria-label="API tokens" className="divide-y divide-slate-200 dark:divide-slate-800">
          {data.data.map((t) => (
            <TokenItem
              key={t.id}
              token={t}
              onRevoke={() => {
                setTarget(t);
                setAsking(true);
              }}
            />
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={asking}
        title={`Revoke “${target?.name ?? ""}”?`}
        body="Anything still using this token is refused from now on. This cannot be undone."
        confirmLabel="Revoke token"
        onConfirm={revoke}
        onClose={() => setAsking(false)}
      />
    </section>
  );
}
