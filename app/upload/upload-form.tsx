"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import useSWR from "swr";
import { fetcher, type ApiError } from "@/app/_shared/api";
import { Banner } from "@/app/_shared/banner";
import { cardClass, primaryButton, secondaryButton } from "@/app/_shared/styles";
import { DropZone } from "./drop-zone";
import { FileList } from "./file-list";
import type { DroppedFile } from "./folder-entries";
import { OptionsPanel, prefixProblem, type UploadOptions } from "./options-panel";
import { ProgressBar } from "./progress-bar";
import { RateLimitNote, type Limits } from "./rate-limit-note";
import { fileKey, validate, type Chosen, type UploadLimits } from "./selection";
import { sendUpload, type UploadHandle, type UploadProgress } from "./send";
import { useNamePreview } from "./use-name-preview";

const autoDescription = (count: number) => (names: string[]) => `${count} file${count === 1 ? "" : "s"} · ${names.join(", ") || "default pipeline"}`;
const newKey = () => globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;

/** The upload page: choose files, set options, send with progress, then open the new batch. */
export function UploadForm({ limits }: { limits: UploadLimits }) {
  const router = useRouter();
  const [items, setItems] = useState<Chosen[]>([]);
  const [options, setOptions] = useState<UploadOptions>({ pipelineIds: [], priority: "normal", description: "", customerPrefix: "" });
  const [progress, setProgress] = useState<UploadProgress>();
  const [failure, setFailure] = useState<ApiError>();
  const [created, setCreated] = useState<{ id: string; base_directory_name: string }>();
  const [sendCount, setSendCount] = useState(0);
  const handle = useRef<UploadHandle>(undefined);
  const idempotencyKey = useRef<string>(undefined);
  const pipelinesInitialised = useRef(false);
  const rate = useSWR<Limits>("/api/limits", fetcher, { refreshInterval: 60_000 });

  const valid = useMemo(() => items.filter((i) => !i.problem), [items]);
  const validNames = useMemo(() => valid.map((i) => i.file.name), [valid]);
  const { preview, error: previewError } = useNamePreview(prefixProblem(options.customerPrefix) ? "" : options.customerPrefix, validNames, sendCount);
  const sending = progress !== undefined && !failure && !created;

  // A changed selection is a different upload: it must not replay an earlier one's Idempotency-Key.
  useEffect(() => void (idempotencyKey.current = undefined), [items, options]);

  const addFiles = useCallback(
    (dropped: DroppedFile[]) => {
      setFailure(undefined);
      setCreated(undefined);
      setItems((current) => {
        const seen = new Set(current.map((i) => i.key));
        const added = dropped.map((d) => ({ key: fileKey(d.file, d.path), file: d.file, path: d.path })).filter((i) => !seen.has(i.key) && seen.add(i.key));
        return validate([...current, ...added], limits);
      });
    },
    [limits],
  );
  const remove = (key: string) => setItems((current) => validate(current.filter((i) => i.key !== key), limits));
  const onPipelinesLoaded = useCallback((defaults: string[]) => {
    if (pipelinesInitialised.current) return;
    pipelinesInitialised.current = true;
    setOptions((o) => ({ ...o, pipelineIds: defaults }));
  }, []);

  const blocked =
    valid.length === 0 ? "Add at least one image." :
    options.pipelineIds.length === 0 ? "Choose at least one pipeline." :
    prefixProblem(options.customerPrefix) ? "Fix the customer prefix." :
    rate.data?.remaining === 0 ? "The upload limit is reached." : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (blocked || sending) return;
    const form = new FormData();
    for (const item of valid) form.append("files", item.file, item.file.name);
    for (const id of options.pipelineIds) form.append("pipeline_id", id);
    form.append("priority", options.priority);
    if (options.description.trim()) form.append("description", options.description.trim());
    if (options.customerPrefix) form.append("customer_prefix", options.customerPrefix);
    idempotencyKey.current ??= newKey();
    setFailure(undefined);
    setProgress({ loaded: 0, total: valid.reduce((s, i) => s + i.file.size, 0), bytesPerSecond: 0 });
    handle.current = sendUpload(form, idempotencyKey.current, setProgress);
    handle.current.done.then(
      (batch) => {
        setCreated(batch);
        void rate.mutate();
        setSendCount((n) => n + 1);
        setTimeout(() => router.push(`/batches/${batch.id}`), 1500);
      },
      (error: ApiError) => {
        setFailure(error);
        setProgress(undefined);
        if (error.code === "rate_limited") void rate.mutate();
      },
    );
  };

  return (
    <form onSubmit={submit} className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]" aria-describedby={failure ? "upload-error" : undefined}>
      <div className="min-w-0 space-y-4">
        <DropZone disabled={sending || !!created} onFiles={addFiles} />
        <FileList items={items} culprit={failure?.file} disabled={sending} onRemove={remove} onClear={() => setItems([])} />
      </div>
      <div className={`${cardClass} h-fit space-y-4`}>
        <OptionsPanel
          value={options}
          onChange={setOptions}
          onPipelinesLoaded={onPipelinesLoaded}
          autoDescription={autoDescription(valid.length)}
          preview={preview}
          previewError={previewError}
          disabled={sending || !!created}
        />
        <RateLimitNote limits={rate.data} />
        {failure && (
          <Banner tone="error" id="upload-error">
            <p className="font-medium">{failure.status ? "The upload was refused." : "The upload did not finish."}</p>
            <p>{failure.message}</p>
            {failure.file && <p className="mt-1 break-all">File: <span className="font-mono">{failure.file}</span></p>}
          </Banner>
        )}
        {created ? (
          <Banner tone="success">
            <p className="break-all font-medium">Batch {created.base_directory_name} created.</p>
            <Link href={`/batches/${created.id}`} className="font-medium underline underline-offset-2">
              Open it on the dashboard
            </Link>
            <span> (opening…)</span>
          </Banner>
        ) : sending ? (
          <div className="space-y-2">
            <ProgressBar progress={progress!} />
            <button type="button" className={secondaryButton} onClick={() => handle.current?.abort()}>
              Cancel upload
            </button>
          </div>
        ) : (
          <div className="space-y-1">
            <button type="submit" className={`${primaryButton} w-full`} disabled={!!blocked} aria-describedby={blocked ? "send-blocked" : undefined}>
              Upload {valid.length > 0 ? `${valid.length} file${valid.length === 1 ? "" : "s"}` : ""}
            </button>
            {blocked && <p id="send-blocked" className="text-xs text-slate-500 dark:text-slate-400">{blocked}</p>}
          </div>
        )}
      </div>
    </form>
  );
}
