import fs from "node:fs";
import path from "node:path";
import type sharp from "sharp";
import type { FileRow } from "@/db/schema";
import type { AppContext } from "@/features/shared/context";
import { writeAtomically } from "@/features/shared/files";
import { PRIVATE_DIR_MODE, resolveKey } from "@/features/shared/paths";
import { JobError, type ClaimedJob, type ProcessContext, type Processor } from "@/features/queue/types";
import { classifyError, emptyFileError, invalidPipelineError } from "./errors";
import { outputNameFor } from "./output-names";
import { outputTooLargeMessage, pixelsOf, plannedOutputSize } from "./output-size";
import { findFileRow, findPipelineRow } from "./queries";
import { prepareRender } from "./render-inputs";
import { pipelineSpecSchema, type PipelineSpec } from "./schemas";
import { applySpec, extensionFor, formatFromMime, openImage, outputFormatFor } from "./transform";

/**
 * Runs one job: one uploaded file through one pipeline, written to
 * `outputs/<batch id>/<job id>.<ext>` atomically (writeAtomically: temp name, fsync, rename) so a
 * crash never leaves a half-written output under the final name. Errors are classified for the
 * queue (errors.ts).
 */
export const processImageJob: Processor = async ({ job, attempt }: ClaimedJob, pctx: ProcessContext) => {
  const { ctx, signal } = pctx;
  const log = ctx.log.child({ jobId: job.id, batchId: job.batchId, attempt });
  throwIfAborted(signal);
  const { file, spec, slug } = loadJobInputs(ctx, job.fileId, job.pipelineId);
  const inputPath = resolveKey(ctx.paths, file.storageKey);
  const stat = await fs.promises.stat(inputPath).catch((error: unknown) => {
    throw classifyError(error);
  });
  if (stat.size === 0) throw emptyFileError();
  pctx.reportProgress(0.05);

  const format = outputFormatFor(spec, formatFromMime(file.mime));
  const outputDir = path.join(ctx.paths.outputs, job.batchId);
  await fs.promises.mkdir(outputDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const finalName = `${job.id}.${extensionFor(format)}`;

  try {
    const image = openImage(inputPath, ctx.config).timeout({ seconds: Math.ceil(ctx.config.JOB_TIMEOUT_S) });
    const meta = await assertOutputFits(image, spec, ctx.config.MAX_OUTPUT_PIXELS);
    const inputs = await prepareRender(ctx, spec, { meta, source: inputPath }, format);
    const info = await writeAtomically(path.join(outputDir, finalName), async (temp) => {
      const written = await abortable(applySpec(image, spec, inputs).toFile(temp), signal, temp);
      pctx.reportProgress(0.85);
      return written;
    });
    pctx.reportProgress(1);
    return {
      outputKey: `outputs/${job.batchId}/${finalName}`,
      outputName: outputNameFor(ctx, job, file, { slug, spec }, info),
      outputSize: info.size,
      outputWidth: info.width,
      outputHeight: info.height,
    };
  } catch (error) {
    if (signal.aborted) throw abortReason(signal);
    const classified = classifyError(error);
    log.warn({ err: error, code: classified.code, kind: classified.kind }, "image job failed");
    throw classified;
  }
};

/**
 * A spec with one side (or none) can still ask for a huge image from a large input: checked from the
 * header, which the render then reuses.
 */
async function assertOutputFits(image: sharp.Sharp, spec: PipelineSpec, maxPixels: number): Promise<sharp.Metadata> {
  const meta = await image.metadata();
  if (!meta.width || !meta.height) return meta;
  const planned = plannedOutputSize({ width: meta.width, height: meta.pageHeight ?? meta.height, orientation: meta.orientation }, spec);
  if (pixelsOf(planned) > maxPixels) throw new JobError("permanent", "output_too_large", outputTooLargeMessage(planned, maxPixels));
  return meta;
}

function loadJobInputs(ctx: AppContext, fileId: string, pipelineId: string): { file: FileRow; spec: PipelineSpec; slug: string } {
  const file = findFileRow(ctx.db, fileId);
  if (!file) throw new JobError("permanent", "input_missing", "The uploaded file no longer exists.");
  const pipeline = findPipelineRow(ctx.db, pipelineId);
  if (!pipeline) throw invalidPipelineError("the pipeline no longer exists");
  let raw: unknown;
  try {
    raw = JSON.parse(pipeline.spec);
  } catch {
    throw invalidPipelineError("the stored settings are not valid JSON");
  }
  const parsed = pipelineSpecSchema.safeParse(raw);
  if (!parsed.success) {
    throw invalidPipelineError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  }
  return { file, spec: parsed.data, slug: pipeline.slug };
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The job was aborted.", "AbortError");
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortReason(signal);
}

/**
 * libvips cannot be interrupted mid-operation, so on abort the job gives up at once and the temp
 * file is removed when the encoder finishes in the background.
 */
function abortable<T>(work: Promise<T>, signal: AbortSignal, temp: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // sharp cannot be stopped: let the work settle in the background (its failure handled, its temp
    // file removed) and answer the abort now.
    const onAbort = () => {
      work.finally(() => fs.promises.rm(temp, { force: true })).catch(() => undefined);
      reject(abortReason(signal));
    };
    // Aborted before we got here (a cancel while the input was being read): the work has already
    // started, so it still needs its handlers or its failure becomes an unhandled rejection.
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
