"use client";

import { formatBytes } from "@/app/_shared/format";
import type { UploadProgress } from "./send";

/** Overall upload progress with speed; once every byte is sent the server is still checking files. */
export function ProgressBar({ progress }: { progress: UploadProgress }) {
  const percent = progress.total > 0 ? Math.round((progress.loaded / progress.total) * 100) : 0;
  const sent = progress.total > 0 && progress.loaded >= progress.total;
  return (
    <div className="space-y-1">
      <div
        role="progressbar"
        aria-label="Upload progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}%`}
        className="h-3 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
      >
        <div className="h-full bg-sky-600 transition-[width] dark:bg-sky-400" style={{ width: `${percent}%` }} />
      </div>
      <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="progress-text" aria-live="polite">
        {sent
          ? "All bytes sent · the server is checking the files…"
          : `${percent}% · ${formatBytes(progress.loaded)} of ${formatBytes(progress.total)} · ${formatBytes(progress.bytesPerSecond)}/s`}
      </p>
    </div>
  );
}
