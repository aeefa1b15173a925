"use client";

import useSWR from "swr";
import { fetcher } from "@/app/_shared/api";
import { formatClock } from "@/app/_shared/format";
import type { JobDetail } from "@/features/batches/jobs";

const OUTCOME: Record<string, string> = {
  completed: "completed",
  failed: "failed",
  retry: "failed, retried",
  crashed: "worker crashed",
  interrupted: "interrupted (restart)",
  timeout: "timed out",
  cancelled: "cancelled",
};

/** The button that shows a failed file's runs; it sits on the output's first line, so a row grows only when opened. */
export function HistoryToggle({ open, onToggle, controls, label }: { open: boolean; onToggle: () => void; controls: string; label: string }) {
  return (
    <button type="button" onClick={onToggle} aria-expanded={open} aria-controls={controls} className="shrink-0 text-slate-600 underline decoration-dotted underline-offset-2 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white">
      History<span className="sr-only"> of {label}</span>
    </button>
  );
}

/**
 * A failed file's runs, one line each (when, how it ended, why, how long), earlier retries
 * included, read from the job's history when first shown, so a long batch does not fetch every
 * job's attempts up front.
 */
export function AttemptHistory({ id, jobId, label }: { id: string; jobId: string; label: string }) {
  const { data, error } = useSWR<JobDetail>(`/api/jobs/${jobId}`, fetcher);
  return (
    <div id={id} className="mt-1" data-testid="attempt-history">
      {error && <p role="alert" className="text-rose-700 dark:text-rose-300">Could not load the attempts: {error.message}</p>}
      {!data && !error && <p aria-busy="true" className="text-slate-500">Loading…</p>}
      {data && (
        <ol className="space-y-0.5" aria-label={`Attempts of ${label}`}>
          {data.history.map((a) => (
            <li key={`${a.attempt}-${a.started_at}`} className="text-slate-600 dark:text-slate-300">
              <span className="font-medium">#{a.attempt}</span> {formatClock(a.started_at, { seconds: true })} · {OUTCOME[a.outcome ?? ""] ?? a.outcome ?? "running"}
              {a.duration_ms != null && ` · ${(a.duration_ms / 1000).toFixed(1)} s`}
              {a.error && <span className="block pl-4 text-rose-700 dark:text-rose-300">{a.error}</span>}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
