import type { FileRow, JobRow } from "@/db/schema";
import type { AppContext } from "@/features/shared/context";
import { selectPipelineInputs } from "./queries";
import type { PipelineSpec } from "./schemas";
import { extensionFor, formatFromMime, outputFormatFor } from "./transform";

/** `holiday.photo.JPG` -> `holiday.photo`; a name that is only an extension keeps itself. */
export function stemOf(safeName: string): string {
  const dot = safeName.lastIndexOf(".");
  return dot > 0 ? safeName.slice(0, dot) : safeName || "image";
}

/**
 * Output names for every file of a batch through one pipeline: original stem + new extension, with
 * `-2`, `-3`… where two inputs would collide (`photo.png` and `photo.jpg` both becoming `photo.webp`).
 * Derived from all the batch's files in a fixed order, so the answer does not depend on which job
 * happens to finish first and needs no lock.
 */
export function assignOutputNames(inputs: { id: string; safeName: string; ext: string }[]): Map<string, string> {
  const ordered = [...inputs].sort((a, b) => (a.safeName < b.safeName ? -1 : a.safeName > b.safeName ? 1 : a.id < b.id ? -1 : 1));
  const taken = new Set<string>();
  const names = new Map<string, string>();
  for (const input of ordered) {
    const stem = stemOf(input.safeName);
    let candidate = `${stem}.${input.ext}`;
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem}-${n}.${input.ext}`;
    taken.add(candidate.toLowerCase());
    names.set(input.id, candidate);
  }
  return names;
}

/** The output name of one job, unique among the outputs of its batch for the same pipeline. */
export function outputNameFor(
  ctx: AppContext,
  job: Pick<JobRow, "batchId" | "pipelineId">,
  file: Pick<FileRow, "id" | "safeName" | "mime">,
  spec: Pick<PipelineSpec, "format">,
): string {
  const rows = selectPipelineInputs(ctx.db, job.batchId, job.pipelineId);
  if (!rows.some((r) => r.id === file.id)) rows.push(file);
  const inputs = rows.map((r) => ({
    id: r.id,
    safeName: r.safeName,
    ext: extensionFor(outputFormatFor(spec, formatFromMime(r.mime))),
  }));
  return assignOutputNames(inputs).get(file.id)!;
}
