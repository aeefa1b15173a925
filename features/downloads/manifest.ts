/**
 * manifest.csv of a batch ZIP: one row per job, so a download taken mid-batch says what is still
 * pending and why something failed. RFC 4180 quoting; cells a spreadsheet would run as a formula
 * (`=`, `+`, `-`, `@`, tab, CR) get a leading apostrophe (OWASP CSV injection advice), because
 * file names and error texts come from clients.
 */

export interface ManifestRow {
  source_file: string;
  pipeline: string;
  /** Path of the output inside the archive's folder, empty when it is not in the ZIP. */
  output_name: string;
  /** The job's status, or `missing` when a completed output's file is gone from disk. */
  status: string;
  input_size: number;
  output_size: number | null;
  width: number | null;
  height: number | null;
  error: string;
}

export const MANIFEST_COLUMNS = [
  "source_file",
  "pipeline",
  "output_name",
  "status",
  "input_size",
  "output_size",
  "width",
  "height",
  "error",
] as const satisfies readonly (keyof ManifestRow)[];

const FORMULA_START = /^[=+\-@\t\r]/;
/** Control characters other than tab, CR and LF (which quoting keeps intact). */
const CONTROL = /[^\P{Cc}\t\r\n]/gu;

/** One CSV cell: numbers as they are, text defused and quoted when it needs to be. */
export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  let text = value.replace(CONTROL, "");
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The whole manifest. Starts with a UTF-8 byte order mark so Excel reads non-Latin file names
 * correctly; CRLF line ends as RFC 4180 asks.
 */
export function buildManifest(rows: ManifestRow[]): Buffer {
  const lines = [MANIFEST_COLUMNS.join(",")];
  for (const row of rows) lines.push(MANIFEST_COLUMNS.map((c) => csvCell(row[c])).join(","));
  return Buffer.from(`\ufeff${lines.join("\r\n")}\r\n`, "utf8");
}
