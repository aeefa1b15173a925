"use client";

import { useState } from "react";
import { formatBytes, formatClock, formatCount } from "@/app/_shared/format";
import { Thumbnail } from "@/app/_shared/thumbnail";
import type { BatchJob } from "./api";
import { AttemptHistory, HistoryToggle } from "./attempt-history";
import { STATUS_STYLE } from "./status";

/** Files shown at first and added per "Show more": a long batch stays a short page. */
export const FILES_PAGE = 20;

export interface BatchFile {
  id: string;
  name: string;
  /** The folder it was dropped in (`shoot/day1`), "" without one. */
  folder: string;
  size: number;
  thumbnailUrl: string;
  jobs: BatchJob[];
  failed: number;
}

/** One entry per file with its pipelines' jobs inside, by folder, files with a failure first, then by name. */
export function filesOf(jobs: BatchJob[]): BatchFile[] {
  const byId = new Map<string, BatchFile>();
  for (const job of jobs) {
    let file = byId.get(job.file_id);
    if (!file) byId.set(job.file_id, (file = { id: job.file_id, name: job.file_name, folder: job.folder ?? "", size: job.input_size, thumbnailUrl: job.thumbnail_url, jobs: [], failed: 0 }));
    file.jobs.push(job);
    if (job.status === "failed") file.failed++;
  }
  // The API lists jobs by file name, and the sort is stable: name order holds within each part.
  return [...byId.values()].sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0) || Number(b.failed > 0) - Number(a.failed > 0));
}

interface Props {
  jobs: BatchJob[];
  onRetry: (job: BatchJob) => void;
}

/** The files of a batch, one row each with every pipeline's output, paged by FILES_PAGE. */
export function FilesList({ jobs, onRetry }: Props) {
  const [shown, setShown] = useState(FILES_PAGE);
  const files = filesOf(jobs);
  if (files.length === 0) return <p className="px-3 py-4 text-sm text-slate-500">This batch has no files.</p>;
  const withFailures = files.filter((f) => f.failed > 0).length;
  const pipelines = new Set(jobs.map((j) => j.pipeline_id)).size;
  const more = Math.min(FILES_PAGE, files.length - shown);
  return (
    <div>
      <p className="border-b border-slate-100 px-3 py-1.5 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400" data-testid="files-summary">
        {formatCount(files.length)} file{files.length === 1 ? "" : "s"} × {pipelines} pipeline{pipelines === 1 ? "" : "s"}
        {withFailures > 0 && <span className="font-medium text-rose-700 dark:text-rose-300"> · {withFailures} with failures, listed first</span>}
      </p>
      <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Files">
        {files.slice(0, shown).map((file, i, page) => (
          <FileRow key={file.id} file={file} onRetry={onRetry} folderHeading={file.folder !== (i === 0 ? "" : page[i - 1]!.folder)} />
        ))}
      </ul>
      {more > 0 && (
        <div className="flex flex-wrap items-center gap-3 border-t border-slate-100 px-3 py-2 text-sm dark:border-slate-800">
          <span className="text-slate-600 dark:text-slate-400">
            Showing {formatCount(shown)} of {formatCount(files.length)} files
          </span>
          <button type="button" onClick={() => setShown((n) => n + FILES_PAGE)} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
            Show {more} more
          </button>
          <button type="button" onClick={() => setShown(files.length)} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
            Show all
          </button>
        </div>
      )}
    </div>
  );
}

const action = "shrink-0 rounded-md border border-slate-300 bg-white px-2 py-0.5 text-xs font-medium hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800";

/** A file's row, led by its folder's name when it is the first file of a dropped folder. */
function FileRow({ file, onRetry, folderHeading }: { file: BatchFile; onRetry: Props["onRetry"]; folderHeading: boolean }) {
  return (
    <>
      {folderHeading && (
        <li className="bg-slate-50 px-3 py-1 font-mono text-xs font-medium text-slate-600 dark:bg-slate-800/40 dark:text-slate-300" data-testid="folder-heading">
          {file.folder}/
        </li>
      )}
      <FileItem file={file} onRetry={onRetry} />
    </>
  );
}

function FileItem({ file, onRetry }: { file: BatchFile; onRetry: Props["onRetry"] }) {
  return (
    <li className={`flex gap-3 px-3 py-2 text-sm ${file.failed ? "bg-rose-50/60 dark:bg-rose-950/20" : ""}`} data-testid="file-row">
      <Thumbnail src={file.thumbnailUrl} name={file.name} size="h-12 w-12" />
      <div className="min-w-0 flex-1">
        <p className="flex min-w-0 items-baseline gap-2">
          <span className="truncate font-medium" title={file.name}>{file.name}</span>
          <span className="shrink-0 text-xs text-slate-500 dark:text-slate-400">{formatBytes(file.size)}</span>
        </p>
        {/* One cell per pipeline: side by side on wide screens, a line each on a phone. */}
        <ul className="mt-1 grid gap-1 sm:grid-cols-2 lg:grid-cols-3" aria-label={`Outputs of ${file.name}`}>
          {file.jobs.map((job) => (
            <OutputLine key={job.id} job={job} onRetry={onRetry} />
          ))}
        </ul>
      </div>
    </li>
  );
}

function OutputLine({ job, onRetry }: { job: BatchJob; onRetry: Props["onRetry"] }) {
  const [historyOpen, setHistoryOpen] = useState(false);
  const historyId = `history-${job.id}`;
  const label = `${job.file_name} (${job.pipeline_name})`;
  const retrying = job.next_attempt_at && Date.parse(job.next_attempt_at) > Date.now();
  const details = [
    job.output_size != null && formatBytes(job.output_size),
    job.output_width && job.output_height && `${job.output_width}×${job.output_height}`,
    (job.attempts > 1 || job.status === "failed") && `attempt ${job.attempts} of ${job.max_attempts}`,
  ].filter(Boolean);
  return (
    <li className="min-w-0 rounded-md bg-slate-50 px-2 py-1 text-xs dark:bg-slate-800/60" data-testid="job-row" data-status={job.status}>
      <div className="flex min-w-0 items-center gap-2">
        <span className="min-w-0 flex-1 truncate font-medium text-slate-700 dark:text-slate-300" title={job.pipeline_name}>{job.pipeline_name}</span>
        {job.status === "processing" && (
          <span className="h-1.5 w-12 shrink-0 overflow-hidden rounded bg-slate-200 dark:bg-slate-700" role="progressbar" aria-label={`${job.file_name} (${job.pipeline_name}) progress`} aria-valuenow={Math.round(job.progress * 100)} aria-valuemin={0} aria-valuemax={100}>
            <span className="block h-full bg-sky-500" style={{ width: `${Math.round(job.progress * 100)}%` }} />
          </span>
        )}
        <span className={`shrink-0 rounded-full px-2 py-0.5 font-medium ring-1 ring-inset ${STATUS_STYLE[job.status] ?? ""}`}>{job.status}</span>
        {job.status === "failed" && <HistoryToggle open={historyOpen} onToggle={() => setHistoryOpen((o) => !o)} controls={historyId} label={label} />}
        {job.status === "failed" && (
          <button type="button" onClick={() => onRetry(job)} className={action} aria-label={`Retry ${job.file_name} (${job.pipeline_name})`}>
            Retry
          </button>
        )}
        {job.output_url && (
          <a href={job.output_url} download className={action} aria-label={`Download output of ${job.file_name} (${job.pipeline_name})`}>
            Output
          </a>
        )}
      </div>
      {/* Sizes are the detail a phone can spare; errors and retries always show. */}
      {details.length > 0 && <p className="mt-0.5 hidden truncate text-slate-500 sm:block dark:text-slate-400">{details.join(" · ")}</p>}
      {job.error && <p className="mt-0.5 text-rose-700 dark:text-rose-300" title={job.error.code ?? undefined}>{job.error.message}</p>}
      {historyOpen && <AttemptHistory id={historyId} jobId={job.id} label={label} />}
      {retrying && <p className="mt-0.5 text-amber-700 dark:text-amber-300">Retrying at {formatClock(job.next_attempt_at, { seconds: true })}</p>}
    </li>
  );
}
