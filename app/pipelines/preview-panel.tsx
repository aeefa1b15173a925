"use client";

import { useEffect, useRef, useState } from "react";
import { ApiError } from "@/app/_shared/api";
import { formatBytes } from "@/app/_shared/format";
import { inputClass } from "@/app/_shared/styles";
import { SAMPLE_NAMES } from "@/features/pipelines/schemas";
import { ACCEPTED_MIME_TYPES } from "@/features/uploads/accepted-types";
import { api } from "./api";
import type { specBody } from "./spec-form";

type Spec = ReturnType<typeof specBody>;
interface Output {
  url: string;
  width: string;
  height: string;
  size: number;
  format: string;
  inputSize: number;
  inputWidth: string;
  inputHeight: string;
  /** Set when the output is larger than a preview is rendered: the size shown instead. */
  shown: string | null;
}

/** Tries a busy server (503: other previews rendering; 429: too many) gets before the error shows. */
const BUSY_RETRIES = 5;

const SAMPLE_LABELS: Record<string, string> = {
  "landscape.jpg": "Landscape, JPEG 1200×800",
  "portrait-exif.jpg": "Phone photo, EXIF-rotated",
  "transparent.png": "Transparent logo, PNG",
};

/**
 * Runs the unsaved spec on a sample (bundled or uploaded) shortly after every change; `paused`
 * while the editor marks a field invalid, so the server's refusal is not shown a second time.
 */
export function PreviewPanel({ spec, paused = false }: { spec: Spec; paused?: boolean }) {
  const [sample, setSample] = useState<string>(SAMPLE_NAMES[0]);
  const [upload, setUpload] = useState<File | null>(null);
  const [output, setOutput] = useState<Output | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [retryTick, setRetryTick] = useState(0);
  const busyTries = useRef(0);
  const specJson = JSON.stringify({ ...spec, name: undefined });

  useEffect(() => {
    if (paused) return;
    const controller = new AbortController();
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    const timer = setTimeout(async () => {
      setBusy(true);
      const body = new FormData();
      body.set("spec", specJson);
      if (sample === "upload" && upload) body.set("file", upload);
      else body.set("sample", sample === "upload" ? SAMPLE_NAMES[0] : sample);
      try {
        const res = await api.preview(body, controller.signal);
        const blob = await res.blob();
        const h = res.headers;
        setOutput((old) => {
          if (old) URL.revokeObjectURL(old.url);
          return {
            url: URL.createObjectURL(blob),
            width: h.get("x-output-width") ?? "?",
            height: h.get("x-output-height") ?? "?",
            size: Number(h.get("x-output-size") ?? blob.size),
            format: h.get("x-output-format") ?? "",
            inputSize: Number(h.get("x-input-size") ?? 0),
            inputWidth: h.get("x-input-width") ?? "?",
            inputHeight: h.get("x-input-height") ?? "?",
            shown: h.get("x-preview-width") ? `${h.get("x-preview-width")} × ${h.get("x-preview-height")}` : null,
          };
        });
        setError("");
        busyTries.current = 0;
      } catch (e) {
        if (controller.signal.aborted) return;
        if (e instanceof ApiError && (e.status === 503 || e.status === 429) && busyTries.current < BUSY_RETRIES) {
          busyTries.current++;
          retryTimer = setTimeout(() => setRetryTick((n) => n + 1), 1000 * busyTries.current);
          return;
        }
        setError(e instanceof Error ? e.message : "Preview failed.");
      } finally {
        if (!controller.signal.aborted) setBusy(false);
      }
    }, 400);
    return () => {
      clearTimeout(timer);
      clearTimeout(retryTimer);
      controller.abort();
    };
  }, [specJson, sample, upload, paused, retryTick]);

  return (
    <section aria-labelledby="preview-title" className="space-y-3 rounded-lg bg-slate-50 p-3 dark:bg-slate-950/60">
      <h3 id="preview-title" className="text-sm font-semibold">Live preview</h3>
      <div className="grid gap-3 sm:grid-cols-2">
        <div>
          <label htmlFor="preview-sample" className="block text-sm font-medium">Sample image</label>
          <select id="preview-sample" className={inputClass} value={sample} onChange={(e) => setSample(e.target.value)}>
            {SAMPLE_NAMES.map((s) => <option key={s} value={s}>{SAMPLE_LABELS[s] ?? s}</option>)}
            <option value="upload">My own image…</option>
          </select>
        </div>
        {sample === "upload" && (
          <div>
            <label htmlFor="preview-file" className="block text-sm font-medium">Upload a sample</label>
            <input id="preview-file" type="file" accept={ACCEPTED_MIME_TYPES.join(",")} className="mt-1 block w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-slate-200 file:px-3 file:py-2 dark:file:bg-slate-800 dark:file:text-slate-100" onChange={(e) => setUpload(e.target.files?.[0] ?? null)} />
          </div>
        )}
      </div>
      <div aria-live="polite" className="space-y-2">
        {paused ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">The preview waits until the marked fields are fixed.</p>
        ) : error ? (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">Preview: {error}</p>
        ) : output ? (
          <p data-testid="preview-info" className="text-sm text-slate-700 dark:text-slate-300">
            Output: <strong>{output.width} × {output.height}</strong> · <strong>{formatBytes(output.size)}</strong> · {output.format.toUpperCase()}
            <span className="text-slate-500 dark:text-slate-400"> (input {output.inputWidth} × {output.inputHeight}, {formatBytes(output.inputSize)}){output.shown && `; shown at ${output.shown}`}</span>
          </p>
        ) : null}
        {busy && <p className="text-xs text-slate-500">Rendering preview…</p>}
      </div>
      {output && !paused && (
        <img src={output.url} alt="Preview of the pipeline's output" className="max-h-80 w-auto max-w-full rounded border border-slate-200 bg-[repeating-conic-gradient(#e2e8f0_0_25%,transparent_0_50%)] bg-[length:16px_16px] dark:border-slate-800" />
      )}
    </section>
  );
}
