"use client";

import { useState } from "react";
import useSWR from "swr";
import { primaryButton } from "@/app/_shared/styles";
import { api, PIPELINES_URL, type Pipeline } from "./api";
import { PipelineEditor } from "./pipeline-editor";
import { PipelineList } from "./pipeline-list";

type Editing = { mode: "create" } | { mode: "edit"; pipeline: Pipeline } | null;

/**
 * The page's state: which pipelines are listed and which one (if any) is open in the editor.
 * Members only read pipelines: they get the list without the controls the API would refuse them.
 */
export function PipelinesManager({ isAdmin }: { isAdmin: boolean }) {
  const { data, error, isLoading, mutate } = useSWR(PIPELINES_URL, api.list);
  const [editing, setEditing] = useState<Editing>(null);
  const [showArchived, setShowArchived] = useState(false);
  const [notice, setNotice] = useState("");

  const pipelines = data?.data ?? [];
  const visible = showArchived ? pipelines : pipelines.filter((p) => !p.archived_at);
  const archivedCount = pipelines.length - pipelines.filter((p) => !p.archived_at).length;

  const afterChange = async (message: string) => {
    setNotice(message);
    await mutate();
  };

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
      <div className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 className="text-lg font-semibold">All pipelines</h2>
          {isAdmin ? (
            <button type="button" className={primaryButton} onClick={() => setEditing({ mode: "create" })}>
              New pipeline
            </button>
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">Only admins can change pipelines.</p>
          )}
        </div>
        <label className="flex items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
          <input
            type="checkbox"
            className="h-4 w-4 accent-sky-600"
            checked={showArchived}
            onChange={(e) => setShowArchived(e.target.checked)}
          />
          Show archived ({archivedCount})
        </label>
        <p role="status" aria-live="polite" className="min-h-5 text-sm text-emerald-700 dark:text-emerald-400">
          {notice}
        </p>
        {error ? (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">Could not load pipelines: {error.message}</p>
        ) : isLoading ? (
          <p className="text-sm text-slate-500">Loading pipelines…</p>
        ) : (
          <PipelineList
            pipelines={visible}
            canEdit={isAdmin}
            selectedId={editing?.mode === "edit" ? editing.pipeline.id : undefined}
            onEdit={(pipeline) => setEditing({ mode: "edit", pipeline })}
            onChanged={afterChange}
          />
        )}
      </div>
      <div>
        {editing ? (
          <PipelineEditor
            key={editing.mode === "edit" ? editing.pipeline.id : "new"}
            pipeline={editing.mode === "edit" ? editing.pipeline : undefined}
            onCancel={() => setEditing(null)}
            onSaved={async (saved, created) => {
              setEditing({ mode: "edit", pipeline: saved });
              await afterChange(created ? `Created “${saved.name}”.` : `Saved “${saved.name}”.`);
            }}
          />
        ) : (
          <div className="rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
            {isAdmin
              ? "Choose a pipeline to edit it, or create a new one. The editor previews the output on a sample image before you save."
              : "Uploads run the pipelines listed here. Only admins can change pipelines."}
          </div>
        )}
      </div>
    </div>
  );
}
