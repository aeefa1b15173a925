"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState, type FormEvent } from "react";
import useSWR from "swr";
import { ApiError, fetcher, send } from "@/app/_shared/api";
import { DialogActions, Modal } from "@/app/_shared/dialog";
import { primaryButton, secondaryButton } from "@/app/_shared/styles";
import type { BatchDetail } from "./api";

const btn =
  "inline-flex items-center gap-1 rounded-md border border-slate-300 px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:text-slate-200 dark:hover:bg-slate-800";

type Scope = "all" | "failed" | "chosen";

/**
 * "Process again": the batch's stored originals, all or some, through other pipelines, as a new
 * batch (POST /api/batches/:id/rerun); nothing is uploaded again. Opens the new batch.
 */
export function RerunButton({ batch }: { batch: BatchDetail }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={btn} onClick={() => setOpen(true)} aria-label={`Process ${batch.base_directory_name} again`}>
        Process again
      </button>
      {open && <RerunDialog batch={batch} onClose={() => setOpen(false)} />}
    </>
  );
}

function RerunDialog({ batch, onClose }: { batch: BatchDetail; onClose(): void }) {
  const router = useRouter();
  const pipelines = useSWR<{ data: { id: string; name: string }[] }>("/api/pipelines", fetcher);
  const files = useMemo(() => filesOf(batch), [batch]);
  const failed = files.filter((f) => f.failed);
  const [chosenPipelines, setChosenPipelines] = useState<string[]>([]);
  const [scope, setScope] = useState<Scope>("all");
  const [chosenFiles, setChosenFiles] = useState<string[]>([]);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const fileIds = scope === "all" ? undefined : scope === "failed" ? failed.map((f) => f.id) : chosenFiles;
  const blocked = chosenPipelines.length === 0 ? "Choose at least one pipeline." : fileIds?.length === 0 ? "Choose at least one file." : "";

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (blocked) return;
    setBusy(true);
    setError("");
    try {
      const created = await send<{ id: string }>("POST", `/api/batches/${batch.id}/rerun`, { pipeline_ids: chosenPipelines, ...(fileIds ? { file_ids: fileIds } : {}) });
      router.push(`/batches/${created.id}`);
      onClose();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "The new batch could not be started.");
    } finally {
      setBusy(false);
    }
  };
  const toggle = (list: string[], id: string, on: boolean) => (on ? [...list, id] : list.filter((x) => x !== id));

  return (
    <Modal open title={`Process ${batch.base_directory_name} again`} onClose={onClose}>
      <form onSubmit={submit} className="mt-3 space-y-4 text-sm">
        <p className="text-slate-600 dark:text-slate-300">A new batch from the stored originals: nothing is uploaded again.</p>
        <fieldset>
          <legend className="font-medium">Pipelines</legend>
          {!pipelines.data && <p className="text-slate-500">Loading pipelines…</p>}
          <ul className="mt-1 space-y-1">
            {pipelines.data?.data.map((p) => (
              <li key={p.id} className="flex items-center gap-2">
                <input id={`rerun-pipeline-${p.id}`} type="checkbox" className="h-4 w-4 accent-sky-600" checked={chosenPipelines.includes(p.id)} onChange={(e) => setChosenPipelines((l) => toggle(l, p.id, e.target.checked))} />
                <label htmlFor={`rerun-pipeline-${p.id}`}>{p.name}</label>
              </li>
            ))}
          </ul>
        </fieldset>
        <fieldset>
          <legend className="font-medium">Files</legend>
          {([["all", `All ${files.length} files`], ["failed", `Only the ${failed.length} with failures`], ["chosen", "Choose files"]] as const).map(([value, label]) =>
            value === "failed" && failed.length === 0 ? null : (
              <div key={value} className="flex items-center gap-2">
                <input id={`rerun-scope-${value}`} type="radio" name="rerun-scope" className="h-4 w-4 accent-sky-600" checked={scope === value} onChange={() => setScope(value)} />
                <label htmlFor={`rerun-scope-${value}`}>{label}</label>
              </div>
            ),
          )}
          {scope === "chosen" && (
            <ul className="mt-2 max-h-48 space-y-1 overflow-y-auto rounded border border-slate-200 p-2 dark:border-slate-700" aria-label="Files to process again">
              {files.map((f) => (
                <li key={f.id} className="flex items-center gap-2">
                  <input id={`rerun-file-${f.id}`} type="checkbox" className="h-4 w-4 accent-sky-600" checked={chosenFiles.includes(f.id)} onChange={(e) => setChosenFiles((l) => toggle(l, f.id, e.target.checked))} />
                  <label htmlFor={`rerun-file-${f.id}`} className="truncate">{f.folder ? `${f.folder}/` : ""}{f.name}</label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        {error && <p role="alert" className="font-medium text-red-700 dark:text-red-400">{error}</p>}
        <DialogActions>
          <button type="button" className={secondaryButton} onClick={onClose}>Close</button>
          <button type="submit" className={primaryButton} disabled={busy || !!blocked} title={blocked || undefined}>
            {busy ? "Starting…" : "Start new batch"}
          </button>
        </DialogActions>
      </form>
    </Modal>
  );
}

/** Each file of the batch once, in its jobs' order, with whether any of its jobs failed. */
function filesOf(batch: BatchDetail) {
  const byId = new Map<string, { id: string; name: string; folder: string | null; failed: boolean }>();
  for (const job of batch.jobs) {
    const file = byId.get(job.file_id) ?? { id: job.file_id, name: job.file_name, folder: job.folder, failed: false };
    file.failed ||= job.status === "failed";
    byId.set(job.file_id, file);
  }
  return [...byId.values()];
}
