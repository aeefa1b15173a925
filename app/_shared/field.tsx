"use client";

import type { ReactNode } from "react";

/**
 * A labelled control with its hint and its error (the page's own check or the server's message),
 * wired for screen readers. `announce` reads a new error out at once (role=alert): for checks that
 * run while the user types.
 */
export function Field(props: { id: string; label: string; hint?: string; error?: string; announce?: boolean; children: (a11y: A11y) => ReactNode }) {
  const describedBy = [props.hint && `${props.id}-hint`, props.error && `${props.id}-error`].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <label htmlFor={props.id} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
        {props.label}
      </label>
      {props.children({ id: props.id, "aria-describedby": describedBy, "aria-invalid": props.error ? true : undefined })}
      {props.hint && (
        <p id={`${props.id}-hint`} className="mt-1 text-xs text-slate-500 dark:text-slate-400">
          {props.hint}
        </p>
      )}
      {props.error && (
        <p id={`${props.id}-error`} role={props.announce ? "alert" : undefined} className="mt-1 text-xs font-medium text-red-700 dark:text-red-400">
          {props.error}
        </p>
      )}
    </div>
  );
}

export interface A11y {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: true;
}

export function Check(props: { id: string; label: string; hint?: string; checked: boolean; onChange(value: boolean): void }) {
  return (
    <div className="flex items-start gap-2">
      <input
        id={props.id}
        type="checkbox"
        className="mt-0.5 h-4 w-4 accent-sky-600"
        checked={props.checked}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <div>
        <label htmlFor={props.id} className="text-sm font-medium text-slate-800 dark:text-slate-200">
          {props.label}
        </label>
        {props.hint && (
          <p id={`${props.id}-hint`} className="text-xs text-slate-500 dark:text-slate-400">
            {props.hint}
          </p>
        )}
      </div>
    </div>
  );
}
