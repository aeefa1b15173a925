"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import useSWR from "swr";
import { fetcher, type ApiError } from "@/app/_shared/api";
import { cardClass } from "@/app/_shared/styles";
import { DropZone } from "./drop-zone";
import { FileList } from "./file-list";
import type { DroppedFile } from "./folder-entries";
import { OptionsPanel, prefixProblem, type UploadOptions } from "./options-panel";
import type { Limits } from "./rate-limit-note";
import { fileKey, sentName, validate, type Chosen, type UploadLimits } from "./selection";
import { sendUpload, type UploadHandle, type UploadProgress } from "./send";
import { SendPanel } from "./send-panel";
import { CreatedNotice, FailureNotice } from "./upload-notices";
import { useNamePreview } from "./use-name-preview";

const autoDescription = (count: number) => (names: string[]) => `${count} file${count === 1 ? "" : "s"} · ${names.join(", ") || "default pipeline"}`;
const newKey = () => globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;

type Created = { id: string; base_directory_name: string; leftover: number };

/**
 * The upload page: choose files, set options, send with progress, then open the new batch. Files
 * over the count limit stay selected for a second batch; a refusal naming one file offers to send
 * the rest without it.
 */
export function UploadForm({ limits }: { limits: UploadLimits }) {
  const router = useRouter();
  const [items, setItems] = useState<Chosen[]>([]);
  const [options, setOptions] = useState<UploadOptions>({ pipelineIds: [], priority: "normal", description: "", customerPrefix: "", keepFolders: true });
  const [progress, setProgress] = useState<UploadProgress>();
  const [failure, setFailure] = useState<ApiError>();
  const [created, setCreated] = useState<Created>();
  const [sendCount, setSendCount] = useState(0);
  const handle = useRef<UploadHandle>(undefined);
  const idempotencyKey = useRef<string>(undefined);
  const pipelinesInitialised = useRef(false);
  const notice = useRef<HTMLDivElement>(null);
  const rate = useSWR<Limits>("/api/limits", fetcher, { refreshInterval: 60_000 });

  const valid = useMemo(() => items.filter((i) => !i.problem), [items]);
  const validNames = useMemo(() => valid.map((i) => sentName(i, options.keepFolders)), [valid, options.keepFolders]);
  const overLimit = items.filter((i) => i.overLimit).length;
  const { preview, error: previewError } = useNamePreview(prefixProblem(options.customerPrefix) ? "" : options.customerPrefix, validNames, sendCount);
  const sending = progress !== undefined;
  const leaving = !!created && created.leftover === 0;

  // A changed selection is a different upload: it must not replay an earlier one's Idempotency-Key.
  useEffect(() => void (idempotencyKey.current = undefined), [items, options]);
  // An answer arrives while the user may be far down a long list (or on a phone): bring it into view.
  useEffect(() => notice.current?.focus(), [failure, created]);

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

  /** Sends the valid files of `selection`; the ones over the count limit stay for a second batch. */
  const send = (selection: Chosen[]) => {
    const files = selection.filter((i) => !i.problem);
    // Every field before the files, with file_count: the server then processes each file as soon as it
    // has arrived, and the batch reads "receiving 12 / 50" meanwhile. The batch opens with the first
    // file, so the prefix the preview read from all the names is sent rather than left to that file.
    const form = new FormData();
    for (const id of options.pipelineIds) form.append("pipeline_id", id);
    form.append("priority", options.priority);
    if (options.description.trim()) form.append("description", options.description.trim());
    const prefix = options.customerPrefix || preview?.customer_prefix;
    if (prefix) form.append("customer_prefix", prefix);
    form.append("file_count", String(files.length));
    for (const item of files) form.append("files", item.file, sentName(item, options.keepFolders));
    idempotencyKey.current ??= newKey();
    setFailure(undefined);
    setCreated(undefined);
    setProgress({ loaded: 0, total: files.reduce((s, i) => s + i.file.size, 0), bytesPerSecond: 0 });
    handle.current = sendUpload(form, idempotencyKey.current, setProgress);
    handle.current.done.then(
      (batch) => {
        const leftover = validate(selection.filter((i) => i.overLimit), limits);
        setProgress(undefined);
        setCreated({ ...batch, leftover: leftover.length });
        void rate.mutate();
        setSendCount((n) => n + 1);
        if (leftover.length > 0) setItems(leftover);
        else setTimeout(() => router.push(`/batches/${batch.id}`), 1500);
      },
      (error: ApiError) => {
        setFailure(error);
        setProgress(undefined);
        if (error.code === "rate_limited") void rate.mutate();
      },
    );
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (blocked || sending || leaving) return;
    send(items);
  };

  const refusedName = failure?.file;
  // The server names a refused file as it was sent, folder included.
  const isRefused = (i: Chosen) => sentName(i, options.keepFolders) === refusedName || i.file.name === refusedName;
  const refused = refusedName ? items.filter(isRefused).length : 0;
  const sendRest = () => {
    const rest = validate(items.filter((i) => !isRefused(i)), limits);
    setItems(rest);
    idempotencyKey.current = undefined;
    send(rest);
  };

  return (
    <form onSubmit={submit} className="space-y-4 pb-48 lg:pb-0" aria-describedby={failure ? "upload-error" : undefined}>
      {failure && <FailureNotice ref={notice} failure={failure} refused={refused} rest={valid.length - refused} onSendRest={sendRest} />}
      {created && <CreatedNotice ref={notice} batch={created} leftover={created.leftover} />}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="min-w-0 space-y-4">
          <DropZone disabled={sending || leaving} onFiles={addFiles} />
          <FileList items={items} culprit={refusedName?.slice(refusedName.lastIndexOf("/") + 1)} disabled={sending} onRemove={remove} onClear={() => setItems([])} />
        </div>
        <div className="space-y-4">
          <SendPanel
            count={valid.length}
            overLimit={overLimit}
            maxFiles={limits.maxFiles}
            blocked={leaving ? "Opening the new batch…" : blocked}
            progress={progress}
            limits={rate.data}
            onCancel={() => handle.current?.abort()}
          />
          <div className={`${cardClass} space-y-4`}>
            <OptionsPanel
              value={options}
              onChange={setOptions}
              onPipelinesLoaded={onPipelinesLoaded}
              autoDescription={autoDescription(valid.length)}
              preview={preview}
              previewError={previewError}
              disabled={sending || leaving}
            />
          </div>
        </div>
      </div>
    </form>
  );
}
