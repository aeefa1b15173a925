"use client";

import { useState } from "react";
import { DialogActions, Modal } from "@/app/_shared/dialog";
import { dangerButton, inputClass, secondaryButton } from "@/app/_shared/styles";
import type { Pipeline } from "./api";

interface Props {
  open: boolean;
  target: Pipeline | null;
  /** The live pipelines, one of which takes over when the default goes. */
  live: Pipeline[];
  error: string;
  onConfirm(newDefault?: string): void;
  onClose(): void;
}

/**
 * Confirms a delete. Deleting the default asks which pipeline becomes the default instead of
 * picking one silently; a used pipeline is archived, and can be restored from "Show archived".
 */
export function DeleteDialog({ open, target, live, error, onConfirm, onClose }: Props) {
  const others = live.filter((p) => p.id !== target?.id);
  const [chosen, setChosen] = useState("");
  const askDefault = !!target?.is_default && others.length > 0;
  const newDefault = askDefault ? chosen || others[0]!.id : undefined;
  return (
    <Modal open={open} title={`Delete “${target?.name}”?`} onClose={onClose}>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
        A pipeline that earlier batches used is archived instead: those batches keep working, it no longer appears for new uploads, and it can be restored from “Show archived”.
      </p>
      {askDefault && (
        <div className="mt-3">
          <label htmlFor="new-default" className="block text-sm font-medium">
            It is the default pipeline. Which one becomes the default?
          </label>
          <select id="new-default" className={inputClass} value={newDefault} onChange={(e) => setChosen(e.target.value)}>
            {others.map((p) => (
              <option key={p.id} value={p.id}>{p.name}</option>
            ))}
          </select>
          <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">Uploads that choose no pipeline run the default.</p>
        </div>
      )}
      {target?.is_default && others.length === 0 && (
        <p className="mt-2 text-sm font-medium text-amber-800 dark:text-amber-200">It is the only pipeline: uploads cannot start until you create another.</p>
      )}
      {error && <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">{error}</p>}
      <DialogActions>
        <button type="button" className={secondaryButton} onClick={onClose}>
          Cancel
        </button>
        <button type="button" className={dangerButton} onClick={() => onConfirm(newDefault)}>
          {askDefault ? "Delete and switch the default" : "Delete"}
        </button>
      </DialogActions>
    </Modal>
  );
}
