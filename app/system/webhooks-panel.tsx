"use client";

import { useState, type FormEvent } from "react";
import useSWR from "swr";
import { fetcher, send, type ApiError } from "@/app/_shared/api";
import { ErrorBanner } from "@/app/_shared/banner";
import { formatDateTime } from "@/app/_shared/format";
import { cardClass, inputClass, primaryButton, secondaryButton } from "@/app/_shared/styles";
import type { Webhook, WebhookDelivery } from "@/features/webhooks/service";

const EVENTS = ["batch.completed", "batch.failed", "batch.cancelled", "job.failed"] as const;
type Listed = Webhook & { last_delivery: WebhookDelivery | null };

/** Admins' webhooks: add an endpoint, send a test, read each endpoint's delivery log, remove it. */
export function WebhooksPanel() {
  const list = useSWR<{ data: Listed[] }>("/api/webhooks", fetcher, { refreshInterval: 10_000 });
  const [error, setError] = useState<string | null>(null);
  const act = async (work: Promise<unknown>) => {
    setError(null);
    try {
      await work;
    } catch (e) {
      setError((e as ApiError).message);
    }
    void list.mutate();
  };
  return (
    <section aria-labelledby="webhooks-title" className={`${cardClass} space-y-3`}>
      <div>
        <h2 id="webhooks-title" className="text-base font-semibold">Webhooks</h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          A signed POST when batches finish or files fail. Receivers check <code>X-Batchyard-Signature</code> (HMAC-SHA256 of timestamp and body with the secret).
        </p>
      </div>
      <AddWebhook onAdd={(body) => act(send("POST", "/api/webhooks", body))} />
      {error && <ErrorBanner message={error} onDismiss={() => setError(null)} />}
      <ul className="divide-y divide-slate-200 dark:divide-slate-800" aria-label="Webhook endpoints">
        {(list.data?.data ?? []).map((hook) => (
          <WebhookItem key={hook.id} hook={hook} onTest={() => act(send("POST", `/api/webhooks/${hook.id}/test`))} onDelete={() => act(send("DELETE", `/api/webhooks/${hook.id}`))} />
        ))}
      </ul>
    </section>
  );
}

function AddWebhook({ onAdd }: { onAdd: (body: { url: string; events: string[]; secret: string }) => Promise<void> }) {
  const [url, setUrl] = useState("");
  const [secret, setSecret] = useState("");
  const [events, setEvents] = useState<string[]>(["batch.completed", "batch.failed"]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await onAdd({ url, events, secret });
  };
  return (
    <form onSubmit={submit} className="grid gap-2 sm:grid-cols-[2fr_1fr_auto] sm:items-end" aria-label="Add a webhook">
      <label className="text-sm">
        URL
        <input className={inputClass} type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/hooks/batchyard" />
      </label>
      <label className="text-sm">
        Secret
        <input className={inputClass} type="password" required minLength={16} value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="new-password" />
      </label>
      <button type="submit" className={primaryButton}>Add webhook</button>
      <fieldset className="flex flex-wrap gap-x-4 gap-y-1 text-sm sm:col-span-3">
        <legend className="sr-only">Events</legend>
        {EVENTS.map((event) => (
          <label key={event} className="inline-flex items-center gap-1.5">
            <input type="checkbox" checked={events.includes(event)} onChange={(e) => setEvents((list) => (e.target.checked ? [...list, event] : list.filter((x) => x !== event)))} />
            <code className="text-xs">{event}</code>
          </label>
        ))}
      </fieldset>
    </form>
  );
}

function WebhookItem({ hook, onTest, onDelete }: { hook: Listed; onTest: () => void; onDelete: () => void }) {
  const [open, setOpen] = useState(false);
  const detail = useSWR<Webhook & { deliveries: WebhookDelivery[] }>(open ? `/api/webhooks/${hook.id}` : null, fetcher, { refreshInterval: 3_000 });
  return (
    <li className="space-y-2 py-2 text-sm" data-testid="webhook">
      <div className="flex flex-wrap items-center gap-2">
        <p className="min-w-0 flex-1 break-all font-mono text-xs">{hook.url}</p>
        <button type="button" className={secondaryButton} onClick={onTest}>Send test</button>
        <button type="button" className={secondaryButton} onClick={() => setOpen((o) => !o)} aria-expanded={open}>
          Deliveries
        </button>
        <button type="button" className={`${secondaryButton} text-rose-700 dark:text-rose-300`} onClick={onDelete} aria-label={`Delete webhook ${hook.url}`}>
          Delete
        </button>
      </div>
      <p className="text-xs text-slate-500 dark:text-slate-400">
        {hook.events.join(", ")} · secret {hook.secret_hint}
        {hook.last_delivery && ` · last: ${hook.last_delivery.status}${hook.last_delivery.response_status ? ` (${hook.last_delivery.response_status})` : ""}`}
      </p>
      {open && (
        <table className="w-full text-left text-xs tabular-nums" aria-label={`Deliveries to ${hook.url}`}>
          <thead className="text-slate-500 dark:text-slate-400">
            <tr>
              <th scope="col" className="pr-2 font-medium">Event</th>
              <th scope="col" className="pr-2 font-medium">Status</th>
              <th scope="col" className="pr-2 font-medium">Answer</th>
              <th scope="col" className="pr-2 font-medium">Time</th>
              <th scope="col" className="pr-2 font-medium">Tries</th>
              <th scope="col" className="font-medium">Created</th>
            </tr>
          </thead>
          <tbody>
            {(detail.data?.deliveries ?? []).map((d) => (
              <tr key={d.id} className="border-t border-slate-100 dark:border-slate-800" data-testid="delivery" data-status={d.status}>
                <td className="pr-2 font-mono">{d.event}</td>
                <td className="pr-2">{d.status}</td>
                <td className="pr-2" title={d.error ?? undefined}>{d.response_status ?? d.error ?? "–"}</td>
                <td className="pr-2">{d.response_ms == null ? "–" : `${d.response_ms} ms`}</td>
                <td className="pr-2">{d.attempts}</td>
                <td>{formatDateTime(d.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </li>
  );
}
