/**
 * The first-pass check the browser can do before sending: type by extension or MIME, size, count.
 * The server decides the type again from the bytes; this only spares a doomed upload.
 */

import { formatBytes } from "@/app/_shared/format";
import { ACCEPTED_EXTENSIONS, ACCEPTED_MIME, ACCEPTED_MIME_TYPES, ACCEPTED_TYPES_TEXT } from "@/features/uploads/accepted-types";

/** For the pickers' `accept` attribute. */
export const ACCEPT_ATTRIBUTE = [...ACCEPTED_EXTENSIONS, ...ACCEPTED_MIME_TYPES].join(",");
const EXTENSIONS: ReadonlySet<string> = new Set(ACCEPTED_EXTENSIONS);

export interface UploadLimits {
  maxFiles: number;
  maxFileBytes: number;
}

export interface Chosen {
  /** Stable key for React and removal. */
  key: string;
  file: File;
  /** Folder path inside a dropped or picked folder, for display. */
  path: string;
  /** Why the file will not be sent; undefined = it will be. */
  problem?: string;
  /** A valid file past the count limit: it can go in a second batch. */
  overLimit?: boolean;
}

const extensionOf = (name: string) => {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot).toLowerCase() : "";
};

function typeProblem(file: File): string | undefined {
  const ext = extensionOf(file.name);
  if (file.type === "image/svg+xml" || ext === ".svg") return "SVG is not accepted (only raster images)";
  if (ACCEPTED_MIME.has(file.type) || EXTENSIONS.has(ext)) return undefined;
  return `not a ${ACCEPTED_TYPES_TEXT} image${file.type ? ` (${file.type})` : ""}`;
}

/**
 * Re-checks the whole selection: each file's own problem, then the count limit, which marks every
 * valid file past the first `maxFiles` so what is sent is exactly what is shown as valid.
 */
export function validate(items: Omit<Chosen, "problem" | "overLimit">[], limits: UploadLimits): Chosen[] {
  let valid = 0;
  return items.map(({ key, file, path }) => {
    let problem = typeProblem(file);
    if (!problem && file.size === 0) problem = "the file is empty";
    if (!problem && file.size > limits.maxFileBytes) problem = `larger than ${formatBytes(limits.maxFileBytes)}`;
    if (!problem && ++valid > limits.maxFiles) return { key, file, path, problem: `over the limit of ${limits.maxFiles} files per batch (kept for a second batch)`, overLimit: true };
    return { key, file, path, problem };
  });
}

export const fileKey = (file: File, path: string) => `${path}/${file.name}:${file.size}:${file.lastModified}`;

/** A name safe to put in a comma list for the name preview (only its leading segments matter). */
export const previewName = (name: string) => name.split("_").slice(0, 4).join("_").slice(0, 120).replaceAll(",", " ");

/** A file's name as it is sent: with its folder (`shoot/day1/a.png`) while folders are kept. */
export const sentName = (item: Pick<Chosen, "file" | "path">, keepFolders: boolean) =>
  keepFolders && item.path ? `${item.path}/${item.file.name}` : item.file.name;
