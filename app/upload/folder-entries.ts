/**
 * Files from a drop, including whole folders: each DataTransferItem's entry is walked recursively
 * (readEntries answers in chunks, so it is called until it returns nothing). Hidden files such as
 * .DS_Store are skipped. Entries must be taken synchronously inside the drop handler, before any await.
 */

export interface DroppedFile {
  file: File;
  path: string;
}

export function entriesOf(data: DataTransfer): { entries: FileSystemEntry[]; loose: File[] } {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(data.items ?? [])) {
    if (item.kind !== "file") continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  if (entries.length === 0 && loose.length === 0) loose.push(...Array.from(data.files ?? []));
  return { entries, loose };
}

export async function collectFiles(entries: FileSystemEntry[], loose: File[]): Promise<DroppedFile[]> {
  const out: DroppedFile[] = loose.map((file) => ({ file, path: "" }));
  for (const entry of entries) await walk(entry, "", out);
  return out;
}

async function walk(entry: FileSystemEntry, parent: string, out: DroppedFile[]): Promise<void> {
  if (entry.name.startsWith(".")) return;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, path: parent });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const here = parent ? `${parent}/${entry.name}` : entry.name;
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, here, out);
  }
}

/** Files from an <input type=file> (with webkitdirectory each carries its relative path). */
export function filesFromInput(list: FileList | null): DroppedFile[] {
  return Array.from(list ?? [])
    .filter((file) => !file.name.startsWith("."))
    .map((file) => {
      const relative = file.webkitRelativePath ?? "";
      return { file, path: relative.includes("/") ? relative.slice(0, relative.lastIndexOf("/")) : "" };
    });
}
