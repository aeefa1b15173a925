"use client";

import { useState } from "react";
import { ConfirmDialog } from "@/app/_shared/dialog";
import type { BatchSummary } from "./api";
import { expiresIn } from "./status";
import type { Command } from "./use-actions";

const btn =
  "inline-flex items-center gap-1 rounded-md border border-slate-300 px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:text-slate-200 dark:hover:bg-slate-800";

interface Props {
  batch: BatchSummary;
  run: (batch: BatchSummary, command: Command) => Promise<boolean>;
  onDeleted?: () => void;
}

/** Pause/resume, cancel, retry failed, priority, pin, download and delete for one batch. */
export function BatchControls({ batch, run, onDeleted }: Props) {
  const [confirm, setConfirm] = useState<"cancel" | "delete" | null>(null);
  const name = batch.base_directory_name;
  const canPause = batch.status === "pending" || batch.status === "processing";
  // While its upload arrives a batch is cancelled or deleted by stopping the upload (the batch then goes).
  const canCancel = (canPause || batch.status === "paused") && !batch.receiving;
  const canRetry = batch.failed_jobs > 0 && batch.status !== "cancelled";
  const canReprioritize = batch.status === "pending" || batch.status === "processing" || batch.status === "paused";
  const expiry = expiresIn(batch.expires_at);

  return (
    <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label={`Actions for ${name}`}>
      {canPause && (
        <button type="button" className={btn} onClick={() => run(batch, { kind: "pause" })} aria-label={`Pause ${name}`}>
          Pause
        </button>
      )}
      {batch.status === "paused" && (
        <button type="button" className={btn} onClick={() => run(batch, { kind: "resume" })} aria-label={`Resume ${name}`}>
          Resume
        </button>
      )}
      {canCancel && (
        <button type="button" className={btn} onClick={() => setConfirm("cancel")} aria-label={`Cancel ${name}`}>
          Cancel
        </button>
      )}
      {canRetry && (
        <button type="button" className={btn} onClick={() => run(batch, { kind: "retry" })} aria-label={`Retry failed files of ${name}`}>
          Retry failed
        </button>
      )}
      <label className="inline-flex items-center gap-1 text-xs text-slate-600 dark:text-slate-400">
        <span aria-hidden>Priority</span>
        <span className="sr-only">Priority of {name}</span>
        <select
          value={batch.priority}
          disabled={!canReprioritize}
          onChange={(e) => run(batch, { kind: "priority", priority: e.target.value as BatchSummary["priority"] })}
          className="rounded-md border border-slate-300 bg-white px-1.5 py-1 text-xs disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900"
          title={canReprioritize ? "Change priority" : "Priority can change while work waits"}
        >
          <option value="high">High</option>
          <option value="normal">Normal</option>
          <option value="low">Low</option>
        </select>
      </label>
      <a className={btn} href={`/api/batches/${batch.id}/download`} download aria-label={`Download ${name} as ZIP`}>
        Download
      </a>
      <button
        type="button"
        className={btn}
        aria-pressed={batch.pinned}
        onClick={() => run(batch, { kind: "pin", pinned: !batch.pinned })}
        aria-label={batch.pinned ? `Unpin ${name} (allow retention cleanup)` : `Pin ${name} (keep past retention)`}
        title={batch.pinned ? "Pinned: kept past retention" : expiry ?? "Kept while active"}
      >
        {batch.pinned ? "★ Pinned" : "☆ Pin"}
      </button>
      {!batch.receiving && (
        <button type="button" className={`${btn} text-rose-700 dark:text-rose-300`} onClick={() => setConfirm("delete")} aria-label={`Delete ${name}`}>
          Delete
        </button>
      )}
      <ConfirmDialog
        open={confirm === "cancel"}
        title={`Cancel ${name}?`}
        body="Waiting files will not be processed and running ones stop. Finished outputs stay downloadable."
        confirmLabel="Cancel batch"
        onConfirm={() => run(batch, { kind: "cancel" })}
        onClose={() => setConfirm(null)}
      />
      <ConfirmDialog
        open={confirm === "delete"}
        title={`Delete ${name}?`}
        body="The batch, its outputs and inputs no other batch uses are removed for good."
        confirmLabel="Delete batch"
        onConfirm={async () => {
          if (await run(batch, { kind: "delete" })) onDeleted?.();
        }}
        onClose={() => setConfirm(null)}
      />
    </div>
  );
}
