"use client";

import { useRef, useState, type DragEvent } from "react";
import { secondaryButton } from "@/app/_shared/styles";
import { ACCEPTED_TYPES_TEXT } from "@/features/uploads/accepted-types";
import { collectFiles, entriesOf, filesFromInput, type DroppedFile } from "./folder-entries";
import { ACCEPT_ATTRIBUTE } from "./selection";

// React passes unknown lowercase attributes through; TypeScript does not know this one.
const directoryPicker = { webkitdirectory: "" } as Record<string, string>;

/** Drop target for files and whole folders, plus file and folder pickers reachable by keyboard. */
export function DropZone(props: { disabled: boolean; onFiles(files: DroppedFile[]): void }) {
  const [over, setOver] = useState(false);
  const [reading, setReading] = useState(false);
  const filePicker = useRef<HTMLInputElement>(null);
  const folderPicker = useRef<HTMLInputElement>(null);

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    if (props.disabled) return;
    // Entries are only readable during the event; take them before awaiting.
    const { entries, loose } = entriesOf(event.dataTransfer);
    setReading(true);
    collectFiles(entries, loose)
      .then(props.onFiles)
      .finally(() => setReading(false));
  };

  const picked = (input: HTMLInputElement) => {
    props.onFiles(filesFromInput(input.files));
    input.value = ""; // so picking the same file again fires change
  };

  // The inputs are hidden (the buttons open them), so screen readers meet each picker once.
  return (
    <div
      data-testid="drop-zone"
      role="group"
      aria-labelledby="drop-zone-title"
      aria-describedby="drop-zone-hint"
      onDragEnter={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = props.disabled ? "none" : "copy";
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={onDrop}
      className={`flex flex-col items-center justify-center gap-3 rounded-lg border-2 border-dashed px-4 py-10 text-center transition-colors ${
        over
          ? "border-sky-500 bg-sky-50 dark:border-sky-400 dark:bg-sky-950/40"
          : "border-slate-300 bg-white dark:border-slate-700 dark:bg-slate-900"
      }`}
    >
      <svg aria-hidden viewBox="0 0 24 24" className="h-10 w-10 text-slate-400 dark:text-slate-500" fill="none" stroke="currentColor" strokeWidth="1.5">
        <path d="M12 16V4m0 0 4 4m-4-4L8 8M4 16v3a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-3" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      <p id="drop-zone-title" className="text-base font-medium">
        {reading ? "Reading folders…" : "Drop images or whole folders here"}
      </p>
      <p id="drop-zone-hint" className="text-sm text-slate-600 dark:text-slate-400">
        {ACCEPTED_TYPES_TEXT}. Subfolders are included.
      </p>
      <div className="flex flex-wrap justify-center gap-2">
        <button type="button" className={secondaryButton} disabled={props.disabled} onClick={() => filePicker.current?.click()}>
          Choose files
        </button>
        <button type="button" className={secondaryButton} disabled={props.disabled} onClick={() => folderPicker.current?.click()}>
          Choose a folder
        </button>
      </div>
      <input ref={filePicker} type="file" multiple accept={ACCEPT_ATTRIBUTE} aria-label="Choose image files" className="hidden" onChange={(e) => picked(e.currentTarget)} />
      <input ref={folderPicker} type="file" multiple {...directoryPicker} aria-label="Choose a folder of images" className="hidden" onChange={(e) => picked(e.currentTarget)} />
    </div>
  );
}
