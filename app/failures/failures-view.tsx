"use client";

import { useMemo, useState } from "react";
import useSWR from "swr";
import { fetcher } from "@/app/_shared/api";
import { Banner, ErrorBanner } from "@/app/_shared/banner";
import { formatCount } from "@/app/_shared/format";
import { PipelineSelect } from "@/app/_shared/pipeline-select";
import { failures, RANGES, type FailureActionReport, type FailureGroup, type FailuresPage, type GroupFilter } from "./api";
import { FailureGroupCard } from "./failure-group";

const MINUTE = 60_000;

/** The filter as the API takes it; `from` is rounded to the minute so the SWR key holds still. */
function useGroupFilter(hours: number | null, pipelineId: string): GroupFilter {
  return useMemo(() => {
    const filter: GroupFilter = {};
    if (hours !== null) filter.from = new Date(Math.floor((Date.now() - hours * 3_600_000) / MINUTE) * MINUTE).toISOString();
    if (pipelineId) filter.pipeline_id = pipelineId;
    return filter;
  }, [hours, pipelineId]);
}

/** /failures: the open failure groups for a time range and pipeline, with "retry these" and "dismiss". */
export function FailuresView() {
  const [hours, setHours] = useState<number | null>(24 * 7);
  const [pipelineId, setPipelineId] = useState("");
  const filter = useGroupFilter(hours, pipelineId);
  const key = `/api/failures?${new URLSearchParams({ ...filter, limit: "50" })}`;
  const { data, error, mutate } = useSWR<FailuresPage>(key, fetcher, { refreshInterval: 15_000, keepPreviousData: true });
  const [result, setResult] = useState<{ action: string; report: FailureActionReport } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const act = async (action: "retry" | "dismiss", group: FailureGroup) => {
    setActionError(null);
    try {
      setResult({ action, report: await failures.act(action, group, filter) });
    } catch (e) {
      setActionError(`Could not ${action} "${group.error_message ?? group.error_code}": ${(e as Error).message}`);
    }
    void mutate();
  };

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <label className="inline-flex items-center gap-2 text-sm">
          <span className="text-slate-600 dark:text-slate-400">Time range</span>
          <select
            value={hours ?? ""}
            onChange={(e) => setHours(e.target.value === "" ? null : Number(e.target.value))}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
          >
            {RANGES.map(([label, h]) => (
              <option key={label} value={h ?? ""}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <PipelineSelect value={pipelineId} onChange={setPipelineId} />
        {data && (
          <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="failures-total" role="status">
            {formatCount(data.total_failures)} open failure{data.total_failures === 1 ? "" : "s"} in {data.groups.length} group{data.groups.length === 1 ? "" : "s"}
          </p>
        )}
      </div>
      {result && <ActionResult {...result} onDismiss={() => setResult(null)} />}
      {actionError && <ErrorBanner message={actionError} onDismiss={() => setActionError(null)} />}
      {error && !data && <ErrorBanner message={`Could not load the failures: ${error.message}`} onRetry={() => mutate()} />}
      {!data && !error && <div aria-busy="true" aria-label="Loading failures" className="h-40 animate-pulse rounded-lg bg-slate-200 dark:bg-slate-800" />}
      {data && data.groups.length === 0 && (
        <p className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
          No open failures in this range. Nothing to look at.
        </p>
      )}
      {data && data.groups.length > 0 && (
        <ul className="space-y-3" aria-label="Failure groups">
          {data.groups.map((group) => (
            <FailureGroupCard key={`${group.error_code}\u0000${group.error_message}`} group={group} onAct={act} />
          ))}
        </ul>
      )}
    </div>
  );
}

function ActionResult({ action, report, onDismiss }: { action: string; report: FailureActionReport; onDismiss: () => void }) {
  const verb = action === "retry" ? "Retried" : "Dismissed";
  const forbidden = report.results.filter((r) => r.reason === "forbidden").length;
  const other = report.skipped - forbidden;
  return (
    <Banner tone={report.skipped ? "warning" : "success"} testId="failure-action-result" className="flex items-start gap-3">
      <p className="flex-1">
        {verb} {formatCount(report.files_done)} of {formatCount(report.files)} files in {formatCount(report.done)} batch{report.done === 1 ? "" : "es"}.
        {forbidden > 0 && ` ${forbidden} batch${forbidden === 1 ? " is" : "es are"} not yours to change.`}
        {other > 0 && ` ${other} batch${other === 1 ? "" : "es"} skipped (cancelled or changed meanwhile).`}
      </p>
      <button type="button" onClick={onDismiss} aria-label="Dismiss result" className="font-medium">
        ✕
      </button>
    </Banner>
  );
}
