"use client";

import { useEffect, useState } from "react";
import { DialogActions, Modal } from "@/app/_shared/dialog";
import { formatCount } from "@/app/_shared/format";
import { dangerButton, primaryButton, secondaryButton } from "@/app/_shared/styles";
import type { BulkAction } from "./api";
import type { BulkRequest } from "./bulk-bar";

const VERB: Record<BulkAction, string> = {
  pause: "Pause",
  resume: "Resume",
  cancel: "Cancel",
  retry: "Retry the failed files of",
  priority: "Change the priority of",
  pin: "Pin",
  unpin: "Unpin",
  delete: "Delete",
};

const EXPLAIN: Record<BulkAction, string> = {
  pause: "Waiting files stay queued; running ones finish. Batches that are not waiting or running are skipped.",
  resume: "Paused batches go back in the queue. Others are skipped.",
  cancel: "Waiting files will not be processed and running ones stop. Finished outputs stay downloadable.",
  retry: "Failed files start over. Batches without failed files are skipped.",
  priority: "Waiting files move to the new priority. Finished batches are skipped.",
  pin: "Pinned batches are kept past the retention period.",
  unpin: "Unpinned batches are removed by retention cleanup once old enough.",
  delete: "The batches, their outputs and inputs no other batch uses are removed for good.",
};

const DESTRUCTIVE = new Set<BulkAction>(["cancel", "delete"]);

interface Props {
  request: BulkRequest | null;
  count: number;
  onClose: () => void;
  onConfirm: (request: BulkRequest) => void;
}

/**
 * "Pause 37 batches?" with what will happen. Cancel and delete cannot be undone, so their button
 * stays off until the person ticks that they mean all of them.
 */
export function BulkConfirm({ request, count, onClose, onConfirm }: Props) {
  const [sure, setSure] = useState(false);
  useEffect(() => setSure(false), [request]);
  if (!request) return <Modal open={false} title="" onClose={onClose}>{null}</Modal>;
  const what = `${formatCount(count)} ${count === 1 ? "batch" : "batches"}`;
  const destructive = DESTRUCTIVE.has(request.action);
  const label = request.action === "priority" ? `Set ${request.priority} priority` : `${VERB[request.action]} ${what}`;
  return (
    <Modal open title={`${VERB[request.action]} ${what}${request.action === "priority" ? ` to ${request.priority}` : ""}?`} onClose={onClose}>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">{EXPLAIN[request.action]}</p>
      {destructive && (
        <label className="mt-3 flex items-start gap-2 text-sm">
          <input type="checkbox" checked={sure} onChange={(e) => setSure(e.target.checked)} className="mt-0.5" />
          <span>
            Yes, {request.action} all {what}. This cannot be undone.
          </span>
        </label>
      )}
      <DialogActions>
        <button type="button" onClick={onClose} autoFocus className={secondaryButton}>
          Keep them
        </button>
        <button
          type="button"
          disabled={destructive && !sure}
          onClick={() => {
            onConfirm(request);
            onClose();
          }}
          className={destructive ? dangerButton : primaryButton}
        >
          {label}
        </button>
      </DialogActions>
    </Modal>
  );
}
