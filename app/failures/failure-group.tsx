"use client";

import Link from "next/link";
import { useState } from "react";
import { ConfirmDialog } from "@/app/_shared/dialog";
import { formatCount, formatDateTime } from "@/app/_shared/format";
import { cardClass, secondaryButton } from "@/app/_shared/styles";
import { Thumbnail } from "@/app/_shared/thumbnail";
import type { FailureGroup } from "./api";

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** One error: what it says, how often, where, a few of its files, and what to do about it. */
export function FailureGroupCard({ group, onAct }: { group: FailureGroup; onAct: (action: "retry" | "dismiss", group: FailureGroup) => void }) {
  const [confirm, setConfirm] = useState<"retry" | "dismiss" | null>(null);
  const title = group.error_message ?? "No message";
  const scope = `${plural(group.files, "failed file")} in ${plural(group.batch_count, "batch", "batches")}`;
  return (
    <li className={`${cardClass} space-y-3`} data-testid="failure-group" data-error-code={group.error_code ?? ""}>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <p className="text-xs">
            <span className="rounded bg-rose-100 px-1.5 py-0.5 font-mono text-rose-800 dark:bg-rose-950 dark:text-rose-200">{group.error_code ?? "unknown"}</span>
          </p>
          <h2 className="mt-1 break-words text-base font-semibold">{title}</h2>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {scope} · {formatDateTime(group.first_at)} – {formatDateTime(group.last_at)}
          </p>
        </div>
        <div className="flex shrink-0 gap-2" role="group" aria-label={`Actions for ${title}`}>
          <button type="button" className={secondaryButton} onClick={() => setConfirm("retry")}>
            Retry these
          </button>
          <button type="button" className={secondaryButton} onClick={() => setConfirm("dismiss")}>
            Dismiss
          </button>
        </div>
      </div>
      <ul className="flex flex-wrap gap-2" aria-label={`Some files with this error`}>
        {group.samples.map((s) => (
          <li key={s.job_id} title={s.file_name}>
            <Link href={`/batches/${s.batch_id}`} className="block">
              <Thumbnail src={s.thumbnail_url} name={s.file_name} size="h-14 w-14" />
              <span className="sr-only">{s.file_name}</span>
            </Link>
          </li>
        ))}
      </ul>
      <ul className="flex flex-wrap gap-x-3 gap-y-1 text-sm" aria-label="Batches with this error">
        {group.batches.map((b) => (
          <li key={b.id}>
            <Link href={`/batches/${b.id}`} className="font-mono text-sky-700 hover:underline dark:text-sky-400">
              {b.name}
            </Link>
            <span className="text-slate-500 dark:text-slate-400"> · {b.files}</span>
          </li>
        ))}
        {group.batch_count > group.batches.length && <li className="text-slate-500 dark:text-slate-400">and {plural(group.batch_count - group.batches.length, "more batch", "more batches")}</li>}
      </ul>
      <ConfirmDialog
        open={confirm === "retry"}
        title={`Retry ${plural(group.files, "failed file")}?`}
        body={`Every open failure with this error in the chosen range (${scope}) goes back in the queue with a fresh attempt budget. Batches you may not change are skipped.`}
        confirmLabel={`Retry ${plural(group.files, "file")}`}
        onConfirm={() => onAct("retry", group)}
        onClose={() => setConfirm(null)}
      />
      <ConfirmDialog
        open={confirm === "dismiss"}
        title={`Dismiss ${plural(group.files, "failure")}?`}
        body="They leave this view; the files stay failed in their batches. A failure that comes back after a retry shows again."
        confirmLabel="Dismiss"
        onConfirm={() => onAct("dismiss", group)}
        onClose={() => setConfirm(null)}
      />
    </li>
  );
}
