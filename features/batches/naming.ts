import type Database from "better-sqlite3";
import { isWhitespace, trimWhere } from "@/features/shared/text";
import { lastBatchCounter } from "./queries";

/**
 * Batch naming (docs/ARCHITECTURE.md): `<prefix>_<YYYY-MM-DD>_batch-<n>`, n counting from 1 per prefix
 * per day. Client file names only ever feed the prefix guess and the display name, never a path.
 */

/** Upper-case A–Z/0–9 segments joined by `_`, at most three: `BATCH`, `PL_DXB`, `ACME_EU_2`. */
export const CUSTOMER_PREFIX_PATTERN = /^[A-Z0-9]+(_[A-Z0-9]+){0,2}$/;
export const MAX_PREFIX_SEGMENTS = 3;

const SEGMENT = /^[A-Z0-9]+$/;
const HAS_LETTER = /[A-Z]/;

/**
 * The customer prefix a single file name carries: its leading `_`-separated segments made of
 * A–Z/0–9 with at least one letter, at most three (`PL_DXB_front.png` -> `PL_DXB`). The extension is
 * ignored (`PL_DXB.png` -> `PL_DXB`); lower-case never counts (`pl_dxb.png` -> none).
 */
export function prefixFromFileName(fileName: string): string | undefined {
  const base = fileName.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const segments: string[] = [];
  for (const segment of stem.split("_")) {
    if (segments.length === MAX_PREFIX_SEGMENTS || !SEGMENT.test(segment) || !HAS_LETTER.test(segment)) break;
    segments.push(segment);
  }
  return segments.length > 0 ? segments.join("_") : undefined;
}

/**
 * The prefix a file carries, from its name or else from the folders it was dropped in, nearest
 * first: `ACME_chair/front.jpg` -> `ACME`, `shoot/PL_DXB_lamp/side/a.jpg` -> `PL_DXB`.
 */
export function prefixFromPath(relativePath: string): string | undefined {
  const segments = relativePath.split(/[\\/]/);
  for (let i = segments.length - 1; i >= 0; i--) {
    // Folder names have no extension: `ACME.v2` must not lose `.v2` as if it were one.
    const prefix = i === segments.length - 1 ? prefixFromFileName(segments[i]!) : prefixFromFileName(`${segments[i]!}.folder`);
    if (prefix) return prefix;
  }
  return undefined;
}

/**
 * The batch's prefix: the explicit one when given, else the prefix most files share (read from
 * their names, or their folders' names: prefixFromPath; a tie goes to the prefix of the earliest
 * file), else the configured default.
 */
export function chooseCustomerPrefix(input: {
  explicit?: string | null;
  fileNames: readonly string[];
  fallback: string;
}): string {
  if (input.explicit) return input.explicit;
  const counts = new Map<string, number>();
  for (const name of input.fileNames) {
    const prefix = prefixFromPath(name);
    if (prefix) counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
  }
  let best: string | undefined;
  // Map iteration follows first appearance, and only a strictly larger count wins: ties -> first file.
  for (const [prefix, n] of counts) if (best === undefined || n > counts.get(best)!) best = prefix;
  return best ?? input.fallback;
}

export function baseDirectoryName(prefix: string, batchDate: string, counter: number): string {
  return `${prefix}_${batchDate}_batch-${counter}`;
}

/**
 * The next free counter for (prefix, date). Only race-free when called inside the IMMEDIATE
 * transaction that inserts the batch: the write lock is held from BEGIN, so no other writer can take
 * the same number in between (the UNIQUE index on the triple backs this up).
 */
export function nextBatchCounter(sqlite: Database.Database, prefix: string, batchDate: string): number {
  return lastBatchCounter(sqlite, prefix, batchDate) + 1;
}

export interface BatchName {
  customer_prefix: string;
  batch_date: string;
  batch_counter: number;
  base_directory_name: string;
}

export function batchName(sqlite: Database.Database, prefix: string, batchDate: string): BatchName {
  const counter = nextBatchCounter(sqlite, prefix, batchDate);
  return {
    customer_prefix: prefix,
    batch_date: batchDate,
    batch_counter: counter,
    base_directory_name: baseDirectoryName(prefix, batchDate, counter),
  };
}

const MAX_SAFE_NAME = 180;
// Control and format characters (incl. bidi overrides that disguise extensions), and the characters
// Windows and ZIP tools refuse in a name.
const UNSAFE_CHARS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const RESERVED_CHARS = /[<>:"|?*]/g;

/**
 * A display name for a client-supplied file name: the basename only (no directory parts, either
 * slash), NFKC, no control/format characters, no leading dots or spaces (nor trailing ones), at most 180 characters
 * keeping the extension. Never a storage path: inputs are stored by content hash.
 */
export function sanitizeFileName(original: string): string {
  // NFKC: fullwidth `／` and `＼` are separators to some extractors, and `．．` is `..`.
  const base = original.normalize("NFKC").split(/[\\/]/).pop() ?? "";
  // Trailing dots and spaces are dropped too: Windows silently strips them, merging names.
  let name = trimWhere(base.replace(UNSAFE_CHARS, "").replace(RESERVED_CHARS, "_"), (c) => c === "." || isWhitespace(c));
  if (!name) name = "file";
  if ([...name].length > MAX_SAFE_NAME) {
    const { stem, ext } = splitExtension(name);
    const keepExt = [...ext].length <= 20 ? ext : "";
    name = [...stem].slice(0, MAX_SAFE_NAME - [...keepExt].length).join("") + keepExt;
  }
  return name;
}

function splitExtension(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? { stem: name.slice(0, dot), ext: name.slice(dot) } : { stem: name, ext: "" };
}

/**
 * Makes names unique within one batch, case-insensitively (ZIPs unpack onto case-insensitive disks):
 * `a.png`, `a (2).png`, `a (3).png`. Order is kept; the first occurrence keeps its name.
 */
export function uniqueNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => takeUniqueName(name, taken));
}

/** One step of uniqueNames: `name`, or its first free `name (n)`, added to `taken` (lower-cased). */
export function takeUniqueName(name: string, taken: Set<string>): string {
  const { stem, ext } = splitExtension(name);
  let candidate = name;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${ext}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/** Folder depth kept from a dropped folder; deeper levels keep only their innermost folders. */
const MAX_FOLDER_DEPTH = 12;
/** Drive letters (`C:`) and the current or parent folder (`.`, `..`, or more dots) are never part of a kept path. */
const DROPPED_SEGMENT = /^(\.+|[a-z]:)$/i;

/**
 * The folder a client name says a file came from, made safe: `shoot/day1/a.png` -> `shoot/day1`.
 * Either slash separates (and their fullwidth forms, after NFKC); empty, `.`, `..` and drive-letter
 * segments are dropped (so `/abs/x`, `C:\x` and `../../x` stay inside the batch); each segment is
 * made safe like a file name. Empty when the name has no folder. A display path, never a disk path.
 */
export function safeFolder(original: string): string {
  const segments = original.normalize("NFKC").split(/[\\/]/).slice(0, -1);
  const kept = segments
    .map((segment) => segment.replace(UNSAFE_CHARS, "").trim())
    .filter((segment) => segment !== "" && !DROPPED_SEGMENT.test(segment))
    .map((segment) => sanitizeFileName(segment));
  return kept.slice(-MAX_FOLDER_DEPTH).join("/");
}
