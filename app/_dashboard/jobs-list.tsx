"use client";

import { useState } from "react";
import { formatBytes, formatClock } from "@/app/_shared/format";
import type { BatchJob } from "./api";
import { STATUS_STYLE } from "./status";

interface Props {
  jobs: BatchJob[];
  onRetry: (job: BatchJob) => void;
}

function Thumbnail({ job }: { job: BatchJob }) {
  const [broken, setBroken] = useState(false);
  if (broken) {
    return (
      <span aria-hidden className="grid h-10 w-10 shrink-0 place-items-center rounded bg-slate-200 text-[10px] font-semibold uppercase text-slate-500 dark:bg-slate-800 dark:text-slate-400">
        {job.file_name.split(".").pop()?.slice(0, 4)}
      </span>
    );
  }
  return <img src={job.thumbnail_url} alt="" width={40} height={40} loading="lazy" onError={() => setBroken(true)} className="h-10 w-10 shrink-0 rounded bg-slate-200 object-cover dark:bg-slate-800" />;
}

/** The files of an expanded batch: one line per job with its state, error and per-file actions. */
export function JobsList({ jobs, onRetry }: Props) {
  if (jobs.length === 0) return <p className="px-3 py-4 text-sm text-slate-500">This batch has no files.</p>;
  return (
    <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Files">
      {jobs.map((job) => (
        <li key={job.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm" data-testid="job-row">
          <Thumbnail job={job} />
          <div className="min-w-0 flex-1 basis-40">
            <p className="truncate font-medium" title={job.file_name}>{job.file_name}</p>
            <p className="text-xs text-slate-500 dark:text-slate-400">
              {job.pipeline_name} · {formatBytes(job.input_size)}
              {job.output_size != null && ` → ${formatBytes(job.output_size)}`} · attempt {job.attempts} of {job.max_attempts}
            </p>
            {job.error && <p className="text-xs text-rose-700 dark:text-rose-300">{job.error.message}</p>}
            {job.next_attempt_at && Date.parse(job.next_attempt_at) > Date.now() && <p className="text-xs text-amber-700 dark:text-amber-300">Retrying at {formatClock(job.next_attempt_at, { seconds: true })}</p>}
          </div>
          <div className="flex items-center gap-2">
            {job.status === "processing" && (
              <div className="h-1.5 w-16 overflow-hidden rounded bg-slate-200 dark:bg-slate-700" role="progressbar" aria-label={`${job.file_name} progress`} aria-valuenow={Math.round(job.progress * 100)} aria-valuemin={0} aria-valuemax={100}>
                <div className="h-full bg-sky-500" style={{ width: `${Math.round(job.progress * 100)}%` }} />
              </div>
            )}
            <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLE[job.status] ?? ""}`}>{job.status}</span>
            {job.status === "failed" && (
              <button type="button" onClick={() => onRetry(job)} className="rounded-md border border-slate-300 px-2 py-0.5 text-xs font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800" aria-label={`Retry ${job.file_name} (${job.pipeline_name})`}>
                Retry
              </button>
            )}
            {job.output_url && (
              <a href={job.output_url} download className="rounded-md border border-slate-300 px-2 py-0.5 text-xs font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800" aria-label={`Download output of ${job.file_name} (${job.pipeline_name})`}>
                Output
              </a>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}
