"use client";

import { primaryButton, secondaryButton } from "@/app/_shared/styles";
import { ProgressBar } from "./progress-bar";
import { RateLimitNote, type Limits } from "./rate-limit-note";
import type { UploadProgress } from "./send";

interface Props {
  count: number;
  overLimit: number;
  maxFiles: number;
  blocked?: string;
  progress?: UploadProgress;
  limits?: Limits;
  onCancel(): void;
}

/**
 * The upload button with what decides it: files left out by the count limit, the user's upload
 * allowance, why it is disabled. On a phone it is a footer fixed to the bottom of the screen, so
 * a long file list never pushes it out of reach; from lg it heads the side column and stays in view
 * while the list scrolls.
 */
export function SendPanel({ count, overLimit, maxFiles, blocked, progress, limits, onCancel }: Props) {
  return (
    <div
      data-testid="send-panel"
      className="fixed inset-x-0 bottom-0 z-20 space-y-2 border-t border-slate-200 bg-white/95 px-4 py-3 shadow-[0_-4px_16px_rgba(15,23,42,0.08)] backdrop-blur lg:sticky lg:top-4 lg:z-10 lg:rounded-lg lg:border lg:bg-white lg:p-4 lg:shadow-sm lg:backdrop-blur-none dark:border-slate-800 dark:bg-slate-900/95 lg:dark:bg-slate-900"
    >
      {overLimit > 0 && (
        <p data-testid="over-limit" className="rounded-md bg-amber-50 px-2 py-1.5 text-xs font-medium text-amber-900 dark:bg-amber-950 dark:text-amber-100">
          {overLimit} file{overLimit === 1 ? "" : "s"} over the limit of {maxFiles} will not be sent — send {overLimit === 1 ? "it" : "them"} as a second batch: {overLimit === 1 ? "it stays" : "they stay"} selected after this upload.
        </p>
      )}
      <RateLimitNote limits={limits} />
      {progress ? (
        <div className="space-y-2">
          <ProgressBar progress={progress} />
          <button type="button" className={secondaryButton} onClick={onCancel}>
            Cancel upload
          </button>
        </div>
      ) : (
        <div className="space-y-1">
          <button type="submit" className={`${primaryButton} w-full`} disabled={!!blocked} aria-describedby={blocked ? "send-blocked" : undefined}>
            Upload {count > 0 ? `${count} file${count === 1 ? "" : "s"}` : ""}
          </button>
          {blocked && <p id="send-blocked" className="text-xs text-slate-500 dark:text-slate-400">{blocked}</p>}
        </div>
      )}
    </div>
  );
}
