"use client";

import Link from "next/link";
import { formatDateTime } from "@/app/_shared/format";
import { cardClass } from "@/app/_shared/styles";
import type { ProblemsPage } from "./api";

const OUTCOME_STYLE: Record<string, string> = {
  failed: "bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-200",
  timeout: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200",
  crashed: "bg-fuchsia-100 text-fuchsia-800 dark:bg-fuchsia-950 dark:text-fuchsia-200",
};

/** Recent failed, timed-out and crashed runs, each linked to its batch. */
export function ProblemsList({ page, error }: { page: ProblemsPage | undefined; error: Error | undefined }) {
  return (
    <section aria-labelledby="problems-title" className={cardClass}>
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="problems-title" className="text-base font-semibold">Recent failures and crashes</h2>
        {page && (
          <p className="text-xs text-slate-500 dark:text-slate-400">
            Last 24 h: {Object.entries(page.counts).map(([k, n]) => `${n} ${k}`).join(" · ")}
          </p>
        )}
        <Link href="/failures" className="text-sm font-medium text-sky-700 hover:underline dark:text-sky-400">
          All failures by error →
        </Link>
      </div>
      {error && !page ? (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">Could not load failures: {error.message}</p>
      ) : !page ? (
        <div aria-hidden className="h-16 animate-pulse rounded bg-slate-100 dark:bg-slate-800" />
      ) : page.data.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">No failed or crashed runs in the last 24 hours.</p>
      ) : (
        <ul className="divide-y divide-slate-200 dark:divide-slate-800" data-testid="problems">
          {page.data.map((p) => (
            <li key={p.attempt_id} className="flex flex-col gap-1 py-2 text-sm sm:flex-row sm:items-start sm:gap-3">
              <span className={`w-fit shrink-0 rounded px-1.5 py-0.5 text-xs font-medium ${OUTCOME_STYLE[p.outcome] ?? ""}`}>{p.outcome}</span>
              <div className="min-w-0 flex-1">
                <p className="break-words font-medium">{p.file_name}</p>
                <p className="break-words text-slate-600 dark:text-slate-300">{p.error ?? "No error message"}</p>
                <p className="text-xs text-slate-500 dark:text-slate-400">
                  <Link href={`/batches/${p.batch_id}`} className="underline decoration-dotted underline-offset-2 hover:text-sky-700 dark:hover:text-sky-300">
                    {p.base_directory_name}
                  </Link>{" "}
                  · {p.pipeline_name} · attempt {p.attempt_number} · {formatDateTime(p.finished_at)}
                </p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
