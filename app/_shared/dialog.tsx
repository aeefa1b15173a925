"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";
import { dangerButton, secondaryButton } from "./styles";

interface ModalProps {
  open: boolean;
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
}

/**
 * A native modal <dialog> driven by `open`: focus moves in, Escape closes (through `onClose`), and
 * screen readers announce it by its title.
 */
export function Modal({ open, title, onClose, children }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-labelledby={titleId}
      className="m-auto w-[min(92vw,28rem)] rounded-xl border border-slate-200 bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      <h2 id={titleId} className="text-lg font-semibold">{title}</h2>
      {children}
    </dialog>
  );
}

/** The buttons row at the foot of a dialog. */
export function DialogActions({ children }: { children: ReactNode }) {
  return <div className="mt-5 flex justify-end gap-2">{children}</div>;
}

interface ConfirmProps {
  open: boolean;
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
}

/** Asks before a destructive step; "Keep it" has the focus, and confirming closes at once. */
export function ConfirmDialog({ open, title, body, confirmLabel, onConfirm, onClose }: ConfirmProps) {
  return (
    <Modal open={open} title={title} onClose={onClose}>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">{body}</p>
      <DialogActions>
        <button type="button" onClick={onClose} autoFocus className={secondaryButton}>
          Keep it
        </button>
        <button
          type="button"
          onClick={() => {
            onConfirm();
            onClose();
          }}
          className={dangerButton}
        >
          {confirmLabel}
        </button>
      </DialogActions>
    </Modal>
  );
}
