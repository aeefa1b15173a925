"use client";

import { useState } from "react";
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

/**
 * A failed file's runs, one line each (when, how it ended, why, how long), earlier retries included,
 * read from the job's history on first open, so a long batch does not fetch every job's attempts up front.
 */
export function AttemptHistory({ jobId, label }: { jobId: string; label: string }) {
  const [open, setOpen] = useState(false);
  const { data, error } = useSWR<JobDetail>(open ? `/api/jobs/${jobId}` : null, fetcher);
  return (
    <details className="mt-0.5" onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="attempt-history">
      <summary className="cursor-pointer text-slate-600 hover:underline dark:text-slate-400">
        Attempt history
        <span className="sr-only"> of {label}</span>
      </summary>
      {error && <p role="alert" className="text-rose-700 dark:text-rose-300">Could not load the attempts: {error.message}</p>}
      {!data && !error && open && <p aria-busy="true" className="text-slate-500">Loading…</p>}
      {data && (
        <ol className="mt-1 space-y-0.5" aria-label={`Attempts of ${label}`}>
          {data.history.map((a) => (
            <li key={a.attempt} className="text-slate-600 dark:text-slate-300">
              <span className="font-medium">#{a.attempt}</span> {formatClock(a.started_at, { seconds: true })} · {OUTCOME[a.outcome ?? ""] ?? a.outcome ?? "running"}
              {a.duration_ms != null && ` · ${(a.duration_ms / 1000).toFixed(1)} s`}
              {a.error && <span className="block pl-4 text-rose-700 dark:text-rose-300">{a.error}</span>}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
