"use client";

import type { ReactNode, Ref } from "react";

export type BannerTone = "error" | "warning" | "success";

const TONE: Record<BannerTone, string> = {
  error: "border-rose-300 bg-rose-50 text-rose-800 dark:border-rose-800 dark:bg-rose-950 dark:text-rose-200",
  warning: "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100",
  success: "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100",
};

interface BannerProps {
  tone: BannerTone;
  children: ReactNode;
  /** Errors interrupt (alert); everything else is announced politely (status). */
  role?: "alert" | "status";
  id?: string;
  testId?: string;
  className?: string;
  /** Given a ref, the banner can take focus (tabIndex -1), e.g. to bring a late answer into view. */
  ref?: Ref<HTMLDivElement>;
}

/** A boxed message above or beside the content it is about. */
export function Banner({ tone, children, role = tone === "error" ? "alert" : "status", id, testId, className = "", ref }: BannerProps) {
  return (
    <div id={id} ref={ref} tabIndex={ref ? -1 : undefined} role={role} data-testid={testId} className={`rounded-md border px-3 py-2 text-sm ${TONE[tone]} ${className}`}>
      {children}
    </div>
  );
}

interface ErrorBannerProps {
  message: string;
  onDismiss?: () => void;
  onRetry?: () => void;
}

/** An error with, where it helps, "Try again" and a dismiss button. */
export function ErrorBanner({ message, onDismiss, onRetry }: ErrorBannerProps) {
  return (
    <Banner tone="error" className="flex items-start gap-3">
      <p className="flex-1">{message}</p>
      {onRetry && (
        <button type="button" onClick={onRetry} className="font-medium underline">
          Try again
        </button>
      )}
      {onDismiss && (
        <button type="button" onClick={onDismiss} aria-label="Dismiss error" className="font-medium">
          ✕
        </button>
      )}
    </Banner>
  );
}
