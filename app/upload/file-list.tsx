"use client";

import { useEffect, useState } from "react";
import { formatBytes } from "@/app/_shared/format";
import { Thumbnail } from "@/app/_shared/thumbnail";
import type { Chosen } from "./selection";

/** The chosen files: thumbnail, name, folder, size, and the reason a file will not be sent. */
export function FileList(props: { items: Chosen[]; culprit?: string; disabled: boolean; onRemove(key: string): void; onClear(): void }) {
  if (props.items.length === 0) return null;
  const valid = props.items.filter((i) => !i.problem);
  const later = props.items.filter((i) => i.overLimit).length;
  const excluded = props.items.length - valid.length - later;
  const total = valid.reduce((sum, i) => sum + i.file.size, 0);
  return (
    <section aria-labelledby="chosen-title" className="space-y-2">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="chosen-title" className="text-lg font-semibold">
          {valid.length} file{valid.length === 1 ? "" : "s"} to send
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="selection-summary">
          {formatBytes(total)} total{later > 0 ? ` · ${later} for a second batch` : ""}{excluded > 0 ? ` · ${excluded} excluded` : ""}
        </p>
        <button type="button" onClick={props.onClear} disabled={props.disabled} className="text-sm font-medium text-sky-700 underline-offset-2 hover:underline disabled:opacity-50 dark:text-sky-400">
          Clear all
        </button>
      </div>
      <ul className="grid grid-cols-1 gap-2 sm:grid-cols-2">
        {props.items.map((item) => (
          <li
            key={item.key}
            className={`flex items-center gap-3 rounded-md border p-2 ${
              item.overLimit
                ? "border-amber-300 bg-amber-50 dark:border-amber-800 dark:bg-amber-950/40"
                : item.problem || props.culprit === item.file.name
                  ? "border-red-300 bg-red-50 dark:border-red-900 dark:bg-red-950/40"
                  : "border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
            }`}
          >
            {item.problem && !item.overLimit ? <Thumbnail name={item.file.name} size="h-12 w-12" /> : <Thumb file={item.file} />}
            <div className="min-w-0 flex-1">
              <p className="truncate text-sm font-medium" title={item.file.name}>
                {item.file.name}
              </p>
              <p className="truncate text-xs text-slate-500 dark:text-slate-400">
                {formatBytes(item.file.size)}
                {item.path ? ` · ${item.path}` : ""}
              </p>
              {item.overLimit && <p className="text-xs font-medium text-amber-800 dark:text-amber-300">Second batch: over the limit per batch</p>}
              {item.problem && !item.overLimit && <p className="text-xs font-medium text-red-700 dark:text-red-400">Excluded: {item.problem}</p>}
              {!item.problem && props.culprit === item.file.name && <p className="text-xs font-medium text-red-700 dark:text-red-400">Refused by the server</p>}
            </div>
            <button
              type="button"
              disabled={props.disabled}
              onClick={() => props.onRemove(item.key)}
              aria-label={`Remove ${item.file.name}`}
              className="rounded p-1 text-slate-500 hover:bg-slate-100 hover:text-slate-900 disabled:opacity-50 dark:hover:bg-slate-800 dark:hover:text-white"
            >
              <svg aria-hidden viewBox="0 0 20 20" className="h-4 w-4" fill="currentColor">
                <path d="M6.3 5.3a1 1 0 0 0-1.4 1.4L8.6 10l-3.7 3.3a1 1 0 1 0 1.4 1.4L10 11.4l3.3 3.3a1 1 0 0 0 1.4-1.4L11.4 10l3.3-3.3a1 1 0 0 0-1.4-1.4L10 8.6 6.3 5.3Z" />
              </svg>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** An object URL per shown file, revoked when the file leaves the list; the type shows until it loads. */
function Thumb({ file }: { file: File }) {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    const next = URL.createObjectURL(file);
    setUrl(next);
    return () => URL.revokeObjectURL(next);
  }, [file]);
  return <Thumbnail src={url} name={file.name} size="h-12 w-12" />;
}
