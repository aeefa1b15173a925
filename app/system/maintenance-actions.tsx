"use client";

import { useId, useState } from "react";
import { ConfirmDialog } from "@/app/_shared/dialog";
import { formatBytes, formatDateTime } from "@/app/_shared/format";
import { cardClass, primaryButton, secondaryButton } from "@/app/_shared/styles";
import { maintenance, type CleanupResult, type Health } from "./api";

type Outcome = { kind: "ok" | "error"; text: string } | null;

const batchCount = (n: number) => `${n} batch${n === 1 ? "" : "es"}`;

function describeCleanup(r: CleanupResult): string {
  const batches = batchCount(r.cleaned_count);
  return `Cleaned ${batches} older than ${r.days_old} days, freed ${formatBytes(r.freed_bytes)} (${r.pruned_attempts} old attempts, ${r.stray_files_removed} stray files removed).`;
}

function Result({ outcome, testId }: { outcome: Outcome; testId: string }) {
  return (
    <p role={outcome?.kind === "error" ? "alert" : "status"} data-testid={testId} className={`min-h-5 text-sm ${outcome?.kind === "error" ? "text-rose-700 dark:text-rose-300" : "text-slate-700 dark:text-slate-200"}`}>
      {outcome?.text}
    </p>
  );
}

/**
 * Run cleanup now (with an optional age) and recover orphaned jobs, each showing what it did.
 * Members see what maintenance does, without the buttons: the API refuses them these actions.
 */
export function MaintenanceActions({ health, onDone, isAdmin }: { health: Health | undefined; onDone: () => unknown; isAdmin: boolean }) {
  const inputId = useId();
  const retention = health?.maintenance.retention_days;
  const [days, setDays] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState<"cleanup" | "recover" | null>(null);
  const [cleanup, setCleanup] = useState<Outcome>(null);
  const [recover, setRecover] = useState<Outcome>(null);
  const daysOld = days.trim() === "" ? undefined : Number(days);
  const invalid = daysOld !== undefined && (!Number.isFinite(daysOld) || daysOld < 0);
  const effectiveDays = daysOld ?? retention;

  async function run<T>(which: "cleanup" | "recover", action: () => Promise<T>, show: (r: T) => string, set: (o: Outcome) => void) {
    setBusy(which);
    set(null);
    try {
      set({ kind: "ok", text: show(await action()) });
      await onDone();
    } catch (error) {
      set({ kind: "error", text: (error as Error).message });
    } finally {
      setBusy(null);
    }
  }

  const last = health?.maintenance.last_cleanup;
  return (
    <section aria-labelledby="maintenance-title" className={cardClass}>
      <h2 id="maintenance-title" className="text-base font-semibold">Maintenance</h2>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
        Finished batches are deleted {retention ?? "…"} days after they finish unless pinned; cleanup runs every{" "}
        {health ? Math.round(health.maintenance.cleanup_interval_s / 60) : "…"} min.
        {last && ` Last run ${formatDateTime(last.finished_at)}: ${batchCount(last.cleaned_count)} deleted, ${formatBytes(last.freed_bytes)} freed.`}
      </p>
      {isAdmin ? (
        <div className="mt-3 grid gap-4 md:grid-cols-2">
          <form
            className="space-y-2"
            onSubmit={(event) => {
              event.preventDefault();
              if (!invalid) setConfirming(true);
            }}
          >
            <label htmlFor={inputId} className="block text-sm font-medium">Delete finished batches older than (days)</label>
            <div className="flex flex-wrap gap-2">
              <input
                id={inputId}
                type="number"
                inputMode="decimal"
                min={0}
                step="any"
                value={days}
                placeholder={retention === undefined ? "" : `${retention} (retention)`}
                onChange={(e) => setDays(e.target.value)}
                aria-invalid={invalid}
                aria-describedby={`${inputId}-hint`}
                className="w-40 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-500/40 aria-[invalid=true]:border-rose-500 dark:border-slate-700 dark:bg-slate-950"
              />
              <button type="submit" className={primaryButton} disabled={busy !== null || invalid}>
                {busy === "cleanup" ? "Cleaning…" : "Run cleanup now"}
              </button>
            </div>
            <p id={`${inputId}-hint`} className="text-xs text-slate-500 dark:text-slate-400">
              {invalid ? "Enter a number of days, 0 or more." : "Empty uses the retention setting. Pinned batches are always kept."}
            </p>
            <Result outcome={cleanup} testId="cleanup-result" />
          </form>
          <div className="space-y-2">
            <p className="text-sm font-medium">Orphaned jobs</p>
            <p className="text-xs text-slate-500 dark:text-slate-400">Puts jobs held by a worker that died back in the queue. The server also does this on its own.</p>
            <button type="button" className={secondaryButton} disabled={busy !== null} onClick={() => run("recover", maintenance.recover, (r) => `Recovered ${r.recovered_count} job${r.recovered_count === 1 ? "" : "s"}.`, setRecover)}>
              {busy === "recover" ? "Recovering…" : "Recover orphaned jobs"}
            </button>
            <Result outcome={recover} testId="recover-result" />
          </div>
        </div>
      ) : (
        <p className="mt-3 text-sm font-medium text-slate-700 dark:text-slate-300">Only admins can run cleanup or recover jobs.</p>
      )}
      <ConfirmDialog
        open={confirming}
        title="Delete old batches?"
        body={`Finished batches older than ${effectiveDays ?? "the retention"} days that are not pinned will be deleted with their files. This cannot be undone.`}
        confirmLabel="Delete old batches"
        onConfirm={() => run("cleanup", () => maintenance.cleanup(daysOld), describeCleanup, setCleanup)}
        onClose={() => setConfirming(false)}
      />
    </section>
  );
}
