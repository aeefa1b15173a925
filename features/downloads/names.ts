/**
 * Entry names inside a batch ZIP. Output names come from client file names, so they are treated as
 * hostile: every name becomes ONE path segment that unzip tools on any OS extract where expected
 * (no `..`, no absolute paths, no separators, no control or bidi characters that disguise an
 * extension), and names stay unique per folder even on case-insensitive file systems.
 */

import { trimEndWhere, trimStartWhere } from "@/features/shared/text";

/** C0/C1 controls and the Unicode bidi/zero-width formatting characters used to spoof names. */
const INVISIBLE = /[\p{Cc}\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu;
/** Separators and characters Windows refuses in a file name. */
const RESERVED = /[\\/:*?"<>|]/g;
/** Device names Windows cannot create, with or without an extension. */
const WINDOWS_DEVICES = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
/** Well below the 0xffff ZIP limit and the 255-byte limit of common file systems. */
const MAX_SEGMENT_BYTES = 200;

/**
 * One safe path segment; `fallback` when nothing printable is left. NFKC first: Windows "best-fit"
 * extractors turn fullwidth `／` `＼` `．` into `/` `\` `.`, so they are judged (and replaced) as the
 * characters they become, and `．．` is refused like `..`.
 */
export function safeSegment(raw: string, fallback = "file"): string {
  let name = raw.normalize("NFKC").replace(INVISIBLE, "").replace(RESERVED, "_").trim();
  // Leading dots would hide the file or form `..`; trailing dots and spaces vanish on Windows.
  name = trimEndWhere(trimStartWhere(name, (c) => c === "."), (c) => c === "." || c === " ");
  // A leading `-` reads as an option in shells; `=+@` would need defusing in manifest.csv, where the
  // name must match the entry exactly.
  name = name.replace(/^[-=+@]/, "_");
  if (WINDOWS_DEVICES.test(name)) name = `_${name}`;
  if (!name) name = fallback;
  return truncateKeepingExtension(name, MAX_SEGMENT_BYTES);
}

function splitExtension(name: string): [stem: string, ext: string] {
  const dot = name.lastIndexOf(".");
  return dot > 0 && name.length - dot <= 10 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
}

function truncateKeepingExtension(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const [stem, ext] = splitExtension(name);
  let cut = [...stem];
  while (cut.length > 1 && Buffer.byteLength(cut.join("") + ext) > maxBytes) cut = cut.slice(0, -1);
  return cut.join("") + ext;
}

/**
 * Hands out names unique within each folder of one archive (compared case-insensitively, since
 * `Photo.jpg` and `photo.jpg` overwrite each other on macOS and Windows): `photo.jpg`, `photo-2.jpg`…
 */
export class EntryNamer {
  private readonly taken = new Set<string>();

  /** Claims an exact path (e.g. the manifest) before any output can take it. */
  reserve(path: string): void {
    this.taken.add(path.toLowerCase());
  }

  /** `folder` is already safe (built from safeSegment); `name` is raw. Returns `folder/name`. */
  claim(folder: string, name: string, fallback = "file"): string {
    const safe = safeSegment(name, fallback);
    const [stem, ext] = splitExtension(safe);
    let candidate = `${folder}/${safe}`;
    for (let n = 2; this.taken.has(candidate.toLowerCase()); n++) candidate = `${folder}/${stem}-${n}${ext}`;
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }
}
