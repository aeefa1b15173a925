"use client";

import { useState } from "react";
import { ApiError } from "@/app/_shared/api";
import { cardClass, secondaryButton } from "@/app/_shared/styles";
import { api, describeSpec, type Pipeline } from "./api";
import { DeleteDialog } from "./delete-dialog";

interface Props {
  pipelines: Pipeline[];
  selectedId?: string;
  /** Whether to offer edit, make default, delete and restore (admins only). */
  canEdit: boolean;
  onEdit(pipeline: Pipeline): void;
  onChanged(message: string): Promise<void>;
}

export function PipelineList({ pipelines, selectedId, canEdit, onEdit, onChanged }: Props) {
  // The target outlives the dialog's closing, so its name stays put while the dialog goes.
  const [target, setTarget] = useState<Pipeline | null>(null);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState("");

  const askDelete = (pipeline: Pipeline) => {
    setTarget(pipeline);
    setError("");
    setAsking(true);
  };

  // A refused delete keeps the dialog open with the server's reason.
  const confirmDelete = async (newDefault?: string) => {
    if (!target) return;
    try {
      const result = await api.remove(target.id, newDefault);
      setAsking(false);
      await onChanged(result.outcome === "archived" ? `Archived “${target.name}” (earlier batches still use it).` : `Deleted “${target.name}”.`);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "Could not delete the pipeline.");
    }
  };

  const restore = async (pipeline: Pipeline) => {
    try {
      await api.restore(pipeline.id);
      await onChanged(`Restored “${pipeline.name}”: it is offered for uploads again.`);
    } catch (e) {
      await onChanged(`Could not restore “${pipeline.name}”: ${e instanceof ApiError ? e.message : "the server did not answer."}`);
    }
  };

  const makeDefault = async (pipeline: Pipeline) => {
    try {
      await api.update(pipeline.id, { is_default: true });
      await onChanged(`“${pipeline.name}” is now the default pipeline.`);
    } catch (e) {
      await onChanged(e instanceof ApiError ? e.message : "Could not change the default.");
    }
  };

  if (pipelines.length === 0) return <p className="text-sm text-slate-600 dark:text-slate-400">No pipelines yet.</p>;

  return (
    <>
      <ul aria-label="Pipelines" className="space-y-2">
        {pipelines.map((p) => (
          <li
            key={p.id}
            className={`${cardClass} ${p.id === selectedId ? "ring-2 ring-sky-500" : ""} ${p.archived_at ? "opacity-70" : ""}`}
          >
            <div className="flex flex-wrap items-center gap-2">
              <h3 className="font-medium break-all">{p.name}</h3>
              {p.is_default && (
                <span className="rounded-full bg-sky-100 px-2 py-0.5 text-xs font-semibold text-sky-800 dark:bg-sky-900/60 dark:text-sky-200">
                  Default
                </span>
              )}
              {p.archived_at && (
                <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold text-slate-700 dark:bg-slate-700 dark:text-slate-200">
                  Archived
                </span>
              )}
            </div>
            <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{describeSpec(p)}</p>
            {canEdit && !p.archived_at && (
              <div className="mt-3 flex flex-wrap gap-2">
                <button type="button" className={secondaryButton} onClick={() => onEdit(p)} aria-label={`Edit ${p.name}`}>
                  Edit
                </button>
                {!p.is_default && (
                  <button type="button" className={secondaryButton} onClick={() => makeDefault(p)} aria-label={`Make ${p.name} the default`}>
                    Make default
                  </button>
                )}
                <button type="button" className={secondaryButton} onClick={() => askDelete(p)} aria-label={`Delete ${p.name}`}>
                  Delete
                </button>
              </div>
            )}
            {canEdit && p.archived_at && (
              <div className="mt-3">
                <button type="button" className={secondaryButton} onClick={() => restore(p)} aria-label={`Restore ${p.name}`}>
                  Restore
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      <DeleteDialog
        key={target?.id}
        open={asking}
        target={target}
        live={pipelines.filter((p) => !p.archived_at)}
        error={error}
        onConfirm={confirmDelete}
        onClose={() => setAsking(false)}
      />
    </>
  );
}
