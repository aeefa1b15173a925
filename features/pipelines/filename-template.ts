import { safeSegment } from "@/features/downloads/names";

/**
 * Output name templates (`filename_template`): `{name}-{width}x{height}` -> `chair-2000x2000.jpg`.
 * Pure, so the editor renders its live example with the same code the processor uses. The output's
 * extension is always appended; the rendered name is made one safe segment (NFKC, no separators,
 * control or reserved characters: features/downloads/names.ts) and made unique within the batch by
 * output-names.ts.
 */

export const TEMPLATE_TOKENS = ["name", "ext", "prefix", "batch", "date", "pipeline", "width", "height", "index", "folder"] as const;
export type TemplateToken = (typeof TEMPLATE_TOKENS)[number];
export type TemplateValues = Record<TemplateToken, string>;

export const DEFAULT_TEMPLATE = "{name}";
export const MAX_TEMPLATE_LENGTH = 200;

/** What each token stands for, for the editor's help and the API docs. */
export const TOKEN_HELP: Record<TemplateToken, string> = {
  name: "the original file name without its extension",
  ext: "the original file's extension (jpg, png…)",
  prefix: "the batch's customer prefix",
  batch: "the batch name (PL_DXB_2025-11-05_batch-1)",
  date: "the batch date, YYYY-MM-DD",
  pipeline: "the pipeline's slug",
  width: "the output's width in pixels",
  height: "the output's height in pixels",
  index: "the file's place in the batch, 1-based, zero-padded to the batch size",
  folder: "the file's folder in the upload, separators becoming _",
};

const TOKEN = /\{([^{}]*)\}/g;
const KNOWN = new Set<string>(TEMPLATE_TOKENS);

/** Why a template cannot be used, in words for the editor and the API's 400; undefined when it can. */
export function templateProblem(template: string): string | undefined {
  if (template.trim() === "") return "The file name template is empty; use {name} for the original name.";
  if (template.length > MAX_TEMPLATE_LENGTH) return `Keep the file name template to ${MAX_TEMPLATE_LENGTH} characters.`;
  for (const [, token] of template.matchAll(TOKEN)) {
    if (!KNOWN.has(token!)) return `Unknown token {${token}}; use ${TEMPLATE_TOKENS.map((t) => `{${t}}`).join(" ")}.`;
  }
  if (/[{}]/.test(template.replace(TOKEN, ""))) return "A { or } has no partner; tokens look like {name}.";
  return undefined;
}

/** The template with its tokens filled in, before it is made safe. */
export function fillTemplate(template: string, values: TemplateValues): string {
  return template.replace(TOKEN, (whole, token: string) => (KNOWN.has(token) ? values[token as TemplateToken] : whole));
}

/** The stem an output gets (without extension): filled, then one safe path segment. */
export function renderStem(template: string, values: TemplateValues): string {
  return safeSegment(fillTemplate(template, values), "image");
}

/** `7` of 120 files -> `007`. */
export const paddedIndex = (index: number, total: number) => String(index).padStart(String(Math.max(total, 1)).length, "0");

/** `holiday.photo.JPG` -> [`holiday.photo`, `JPG`]; a name that is only an extension keeps itself. */
export function splitName(fileName: string): [stem: string, ext: string] {
  const dot = fileName.lastIndexOf(".");
  return dot > 0 ? [fileName.slice(0, dot), fileName.slice(dot + 1)] : [fileName || "image", ""];
}
