"use client";

import { useEffect, useRef, useState } from "react";
import { inputClass, secondaryButton } from "./styles";

interface Props {
  id: string;
  label: string;
  value: string;
  /** Why this is the only chance to copy it. */
  note: string;
}

/**
 * A secret the server shows exactly once (a new API token, a generated password): read-only,
 * selected and focused on arrival so it can be copied at once, with a Copy button.
 */
export function SecretField({ id, label, value, note }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [value]);

  const copy = async () => {
    input.current?.select();
    try {
      // The clipboard API needs a secure context; a plain-http LAN address falls back to execCommand.
      if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(value);
      else if (!document.execCommand("copy")) throw new Error("copy refused");
      setCopied("yes");
    } catch {
      setCopied("no");
    }
  };

  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
        {label}
      </label>
      <div className="flex items-start gap-2">
        <input
          ref={input}
          id={id}
          readOnly
          value={value}
          spellCheck={false}
          aria-describedby={`${id}-note`}
          onFocus={(e) => e.target.select()}
          className={`${inputClass} min-w-0 flex-1 font-mono`}
        />
        <button type="button" onClick={copy} className={`${secondaryButton} mt-1 shrink-0`}>
          {copied === "yes" ? "Copied" : "Copy"}
        </button>
      </div>
      <p id={`${id}-note`} className="mt-1 text-xs font-medium text-amber-800 dark:text-amber-300">
        {note}
      </p>
      <p role="status" className="sr-only">
        {copied === "yes" ? "Copied to the clipboard." : copied === "no" ? "Could not copy: select the text and copy it yourself." : ""}
      </p>
    </div>
  );
}
