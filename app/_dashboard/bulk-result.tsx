"use client";

import { Banner } from "@/app/_shared/banner";
import { formatCount } from "@/app/_shared/format";
import type { BulkAction, BulkReport } from "./api";

const DONE: Record<BulkAction, string> = {
  pause: "Paused",
  resume: "Resumed",
  cancel: "Cancelled",
  retry: "Retried the failed files of",
  priority: "Changed the priority of",
  pin: "Pinned",
  unpin: "Unpinned",
  delete: "Deleted",
};

/** Skip reasons in the words a person reads. */
const REASON: Record<string, string> = {
  forbidden: "not yours to change",
  invalid_transition: "not possible in their state",
  not_found: "no longer there",
  unchanged: "already that way",
};

const SHOWN = 50;

/** What a bulk action did: a one-line count, and each skipped batch with its reason on demand. */
export function BulkResult({ report, onDismiss }: { report: BulkReport; onDismiss: () => void }) {
  const skipped = report.results.filter((r) => r.outcome === "skipped");
  const reasons = new Map<string, number>();
  for (const r of skipped) reasons.set(r.reason ?? "other", (reasons.get(r.reason ?? "other") ?? 0) + 1);
  const why = [...reasons].map(([reason, n]) => `${formatCount(n)} ${REASON[reason] ?? reason}`).join(", ");
  return (
    <Banner tone={skipped.length ? "warning" : "success"} testId="bulk-result" className="space-y-1">
      <div className="flex items-start gap-3">
        <p className="flex-1">
          {DONE[report.action]} {formatCount(report.done)} of {formatCount(report.total)} {report.total === 1 ? "batch" : "batches"}.
          {skipped.length > 0 && ` ${formatCount(skipped.length)} skipped: ${why}.`}
        </p>
        <button type="button" onClick={onDismiss} aria-label="Dismiss result" className="font-medium">
          ✕
        </button>
      </div>
      {skipped.length > 0 && (
        <details>
          <summary className="cursor-pointer text-xs font-medium">Skipped batches</summary>
          <ul className="mt-1 max-h-48 space-y-0.5 overflow-auto text-xs">
            {skipped.slice(0, SHOWN).map((r) => (
              <li key={r.id}>
                <span className="font-mono">{r.name ?? r.id}</span>: {r.message}
              </li>
            ))}
            {skipped.length > SHOWN && <li>…and {formatCount(skipped.length - SHOWN)} more</li>}
          </ul>
        </details>
      )}
    </Banner>
  );
}
