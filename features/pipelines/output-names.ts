import type { FileRow, JobRow } from "@/db/schema";
import type { AppContext } from "@/features/shared/context";
import { paddedIndex, renderStem, splitName, type TemplateValues } from "./filename-template";
import { selectNamingInputs } from "./queries";
import type { PipelineSpec } from "./schemas";
import { extensionFor, formatFromMime, outputFormatFor } from "./transform";

/** `holiday.photo.JPG` -> `holiday.photo`; a name that is only an extension keeps itself. */
export const stemOf = (safeName: string) => splitName(safeName)[0];

export interface NamedInput {
  id: string;
  safeName: string;
  /** The rendered stem the name is judged unique by. */
  key: string;
  ext: string;
  /** Names are unique per folder of a dropped folder (its outputs sit in that folder in the ZIP). */
  folder?: string;
}

/**
 * The suffix each input's output gets so names are unique within the batch (per folder of a dropped
 * folder) for one pipeline:
 * `` for the first, `-2`, `-3`… where two inputs would collide (`photo.png` and `photo.jpg` both
 * becoming `photo.webp`), compared without case. Derived from all the batch's files in a fixed
 * order, so the answer does not depend on which job finishes first and needs no lock.
 */
export function assignSuffixes(inputs: NamedInput[]): Map<string, string> {
  const ordered = [...inputs].sort((a, b) => (a.safeName < b.safeName ? -1 : a.safeName > b.safeName ? 1 : a.id < b.id ? -1 : 1));
  const taken = new Set<string>();
  const suffixes = new Map<string, string>();
  for (const input of ordered) {
    const place = (suffix: string) => `${input.folder ?? ""}/${input.key}${suffix}.${input.ext}`.toLowerCase();
    let suffix = "";
    for (let n = 2; taken.has(place(suffix)); n++) suffix = `-${n}`;
    taken.add(place(suffix));
    suffixes.set(input.id, suffix);
  }
  return suffixes;
}

type NamingSpec = Pick<PipelineSpec, "format" | "filename_template">;

/** `shoot/day1/a.png` -> `shoot/day1`; rendered into a name, its slashes become `_`. */
const folderOf = (relativePath: string | null) => (relativePath?.includes("/") ? relativePath.slice(0, relativePath.lastIndexOf("/")) : "");

/**
 * The output name of one job: the pipeline's filename_template rendered for this file (docs/api.md,
 * Output names), made safe, plus the output's extension, unique among the outputs of its batch for
 * the same pipeline. Uniqueness is judged with {width} and {height} left as placeholders: the other
 * files' sizes are not known until they run, and two names that differ only by size would differ
 * anyway, so at worst a suffix is added that was not strictly needed.
 */
export function outputNameFor(
  ctx: AppContext,
  job: Pick<JobRow, "batchId" | "pipelineId">,
  file: Pick<FileRow, "id" | "safeName" | "mime" | "relativePath">,
  pipeline: { slug: string; spec: NamingSpec },
  size: { width: number; height: number },
): string {
  const naming = selectNamingInputs(ctx.db, job.batchId, job.pipelineId);
  const files = naming?.files ?? [];
  if (!files.some((f) => f.id === file.id)) files.push({ ...file, runs: true });
  const template = pipeline.spec.filename_template;
  const valuesOf = (f: (typeof files)[number], index: number): TemplateValues => {
    const [name, ext] = splitName(f.safeName);
    return {
      name,
      ext,
      prefix: naming?.batch.prefix ?? "",
      batch: naming?.batch.baseName ?? "",
      date: naming?.batch.date ?? "",
      pipeline: pipeline.slug,
      width: "{width}",
      height: "{height}",
      index: paddedIndex(index + 1, files.length),
      folder: folderOf(f.relativePath),
    };
  };
  const extOf = (mime: string) => extensionFor(outputFormatFor(pipeline.spec, formatFromMime(mime)));
  const named = files.flatMap((f, i) =>
    f.runs ? [{ id: f.id, safeName: f.safeName, key: renderStem(template, valuesOf(f, i)), ext: extOf(f.mime), folder: folderOf(f.relativePath) }] : [],
  );
  const suffix = assignSuffixes(named).get(file.id) ?? "";
  const own = valuesOf(files.find((f) => f.id === file.id)!, files.findIndex((f) => f.id === file.id));
  const stem = renderStem(template, { ...own, width: String(size.width), height: String(size.height) });
  return `${stem}${suffix}.${extOf(file.mime)}`;
}
