"use client";

import { useRef, useState } from "react";
import { ApiError, describeSpec, fetchJson, type Pipeline } from "./api";
import { cardClass, dangerButton, secondaryButton } from "./ui";

interface Props {
  pipelines: Pipeline[];
  selectedId?: string;
  onEdit(pipeline: Pipeline): void;
  onChanged(message: string): Promise<void>;
}

export function PipelineList({ pipelines, selectedId, onEdit, onChanged }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [target, setTarget] = useState<Pipeline | null>(null);
  const [error, setError] = useState("");

  const askDelete = (pipeline: Pipeline) => {
    setTarget(pipeline);
    setError("");
    dialog.current?.showModal();
  };

  const confirmDelete = async () => {
    if (!target) return;
    try {
      const result = await fetchJson<{ outcome: "deleted" | "archived" }>(`/api/pipelines/${target.id}`, { method: "DELETE" });
      dialog.current?.close();
      await onChanged(result.outcome === "archived" ? `Archived “${target.name}” (earlier batches still use it).` : `Deleted “${target.name}”.`);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "Could not delete the pipeline.");
    }
  };

  const makeDefault = async (pipeline: Pipeline) => {
    try {
      await fetchJson(`/api/pipelines/${pipeline.id}`, { method: "PATCH", body: JSON.stringify({ is_default: true }) });
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
            {!p.archived_at && (
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
          </li>
        ))}
      </ul>
      <dialog
        ref={dialog}
        aria-labelledby="delete-title"
        className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-slate-200 bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-950/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      >
        <h2 id="delete-title" className="text-lg font-semibold">Delete “{target?.name}”?</h2>
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
          A pipeline that earlier batches used is archived instead: those batches keep working and it no longer appears for new uploads.
        </p>
        {error && <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">{error}</p>}
        <div className="mt-4 flex justify-end gap-2">
          <button type="button" className={secondaryButton} onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="button" className={dangerButton} onClick={confirmDelete}>
            Delete
          </button>
        </div>
      </dialog>
    </>
  );
}
