"use client";

import { useState } from "react";
import useSWR from "swr";
import { ApiError, fetcher } from "@/app/_shared/api";
import { Field } from "@/app/_shared/field";
import { cardClass, inputClass, primaryButton } from "@/app/_shared/styles";
import { settings, type Settings } from "./api";

const MIN = 1;
const MAX = 64;

/**
 * Jobs running at once, across the server and every worker process. An admin changes it here (every
 * engine applies it within a poll; lowering it lets running jobs finish); members see the value.
 */
export function ConcurrencyControl({ isAdmin, onSaved }: { isAdmin: boolean; onSaved: () => unknown }) {
  const current = useSWR("/api/settings", fetcher<Settings>);
  const [draft, setDraft] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const value = draft ?? (current.data ? String(current.data.queue_concurrency) : "");
  const parsed = Number(value);
  const invalid = value.trim() !== "" && (!Number.isInteger(parsed) || parsed < MIN || parsed > MAX);
  const unchanged = current.data?.queue_concurrency === parsed;

  async function save(event: React.FormEvent) {
    event.preventDefault();
    if (invalid || value.trim() === "") return;
    setBusy(true);
    setOutcome(null);
    try {
      const saved = await settings.update({ queue_concurrency: parsed });
      await current.mutate(saved, { revalidate: false });
      setDraft(null);
      setOutcome({ kind: "ok", text: `Saved: up to ${saved.queue_concurrency} jobs at once.` });
      await onSaved();
    } catch (error) {
      setOutcome({ kind: "error", text: error instanceof ApiError ? (error.fields.queue_concurrency ?? error.message) : (error as Error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="concurrency-title" className={cardClass}>
      <h2 id="concurrency-title" className="text-base font-semibold">Concurrency</h2>
      {!isAdmin ? (
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300" data-testid="concurrency-value">
          Up to {current.data?.queue_concurrency ?? "…"} jobs run at once. An admin can change this.
        </p>
      ) : (
        <form className="mt-2 flex flex-wrap items-start gap-3" onSubmit={save}>
          <div className="w-56">
            <Field id="queue-concurrency" label="Jobs at once" hint={`${MIN}–${MAX}, for the server and every worker together.`} error={invalid ? `Enter a whole number from ${MIN} to ${MAX}.` : undefined}>
              {(a11y) => (
                <input {...a11y} type="number" inputMode="numeric" min={MIN} max={MAX} step={1} value={value} onChange={(e) => setDraft(e.target.value)} className={inputClass} />
              )}
            </Field>
          </div>
          <button type="submit" className={`${primaryButton} mt-6`} disabled={busy || invalid || unchanged || value.trim() === ""}>
            {busy ? "Saving…" : "Save"}
          </button>
        </form>
      )}
      <p role={outcome?.kind === "error" ? "alert" : "status"} data-testid="concurrency-result" className={`min-h-5 text-sm ${outcome?.kind === "error" ? "text-rose-700 dark:text-rose-300" : "text-slate-700 dark:text-slate-200"}`}>
        {outcome?.text ?? (current.error ? `Could not load the setting: ${current.error.message}` : "")}
      </p>
      <p className="text-xs text-slate-500 dark:text-slate-400">Lowering it never stops running jobs; new ones wait until fewer run.</p>
    </section>
  );
}
