"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import useSWR from "swr";
import { ApiError, fetcher } from "@/app/_shared/api";
import { ErrorBanner } from "@/app/_shared/banner";
import { useDocumentTitle } from "@/app/_shared/document-title";
import { formatBytes, formatDate, formatDateTime } from "@/app/_shared/format";
import { isActive, type BatchDetail } from "./api";
import { BatchControls } from "./batch-controls";
import { StatusBadge } from "./batch-row";
import { FilesList } from "./files-list";
import { donePercent, ProgressBar } from "./progress";
import { RerunButton } from "./rerun-dialog";
import { expiresIn } from "./status";
import { useBatchCommands } from "./use-actions";
import { useLiveBatch, usePollInterval } from "./use-live";

/** Progress while it runs; a finished marker once it is over (✓ done, ✗ failed or cancelled). */
function tabTitle(data: BatchDetail): string {
  const marker = data.status === "completed" ? (data.failed_jobs > 0 ? "✓ (some failed) " : "✓ ") : data.status === "failed" || data.status === "cancelled" ? "✗ " : "";
  return isActive(data) ? `(${donePercent(data)}%) ${data.base_directory_name}` : `${marker}${data.base_directory_name} · Batchyard`;
}

const detailBusy = (data: BatchDetail | undefined) => !!data && isActive(data);

/** /batches/[id]: one batch with the same controls as the dashboard row, and all of its files. */
export function BatchDetailView({ id }: { id: string }) {
  const router = useRouter();
  const key = `/api/batches/${id}`;
  const [actionError, setActionError] = useState<string | null>(null);
  const live = useLiveBatch(id);
  const { data, error, mutate } = useSWR<BatchDetail>(key, fetcher, { refreshInterval: usePollInterval(live, detailBusy) });
  const run = useBatchCommands(key, "detail", setActionError);
  useDocumentTitle(data && tabTitle(data));

  if (error && !data) {
    const missing = error instanceof ApiError && error.status === 404;
    return (
      <div className="space-y-3">
        <ErrorBanner message={missing ? "This batch does not exist (it may have been deleted or cleaned up)." : `Could not load the batch: ${error.message}`} onRetry={missing ? undefined : () => mutate()} />
        <Link href="/" className="text-sm font-medium text-sky-700 hover:underline dark:text-sky-400">← All batches</Link>
      </div>
    );
  }
  if (!data) return <div aria-busy="true" aria-label="Loading batch" className="h-48 animate-pulse rounded-lg bg-slate-200 dark:bg-slate-800" />;

  const facts: [string, string][] = [
    ["Customer", data.customer_prefix],
    ["Batch date", formatDate(data.batch_date)],
    ["Priority", data.priority],
    ["Files", `${data.total_files} · ${formatBytes(data.total_size)} in`],
    ["Outputs", `${data.completed_jobs} · ${formatBytes(data.output_size)}`],
    ["Pipelines", data.pipelines.map((p) => p.name).join(", ") || "–"],
    ["Created", formatDateTime(data.created_at)],
    ["Finished", formatDateTime(data.completed_at)],
    ["Retention", data.pinned ? "Pinned (kept)" : expiresIn(data.expires_at) ?? "Kept while active"],
  ];
  return (
    <div className="space-y-4">
      <Link href="/" className="text-sm font-medium text-sky-700 hover:underline dark:text-sky-400">← All batches</Link>
      <header className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <div className="flex flex-wrap items-start justify-between gap-2">
          <div className="min-w-0">
            <h1 className="break-all font-mono text-xl font-semibold">{data.base_directory_name}</h1>
            <p className="text-sm text-slate-600 dark:text-slate-400">{data.description || "No description"} · {data.summary}</p>
          </div>
          <StatusBadge batch={data} />
        </div>
        <ProgressBar batch={data} />
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-3">
          {facts.map(([k, v]) => (
            <div key={k} className="min-w-0">
              <dt className="text-xs text-slate-500 dark:text-slate-400">{k}</dt>
              <dd className="truncate">{v}</dd>
            </div>
          ))}
        </dl>
        <div className="flex flex-wrap items-center gap-1.5">
          <BatchControls batch={data} run={run} onDeleted={() => router.push("/")} />
          <RerunButton batch={data} />
        </div>
      </header>
      {actionError && <ErrorBanner message={actionError} onDismiss={() => setActionError(null)} />}
      <section aria-label="Files" className="rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <h2 className="border-b border-slate-200 px-3 py-2 text-sm font-semibold dark:border-slate-800">Files</h2>
        <FilesList jobs={data.jobs} onRetry={async (job) => (await run(data, { kind: "retry-job", jobId: job.id })) && mutate()} />
      </section>
    </div>
  );
}
