import { z } from "zod";
import type { Principal } from "@/features/auth/scopes";
import type { BatchDetail } from "@/features/batches/detail";
import type { AppContext } from "@/features/shared/context";
import { parseWith } from "@/features/shared/http";
import { acceptUpload } from "@/features/uploads/service";

/**
 * Seed 001 (nd-image-pipeline's job API): `POST /api/jobs` with one base64 file and
 * `POST /api/jobs/batch` with several, both creating a batch. A thin adapter over the JSON upload:
 * its body is mapped onto ours (batch_description -> description), the upload runs unchanged, and
 * the answer is reshaped into the seed's. Its list, detail, stats, download and delete routes are
 * our own /api/batches routes (they answer the seed's fields too: render_description, total_pipelines).
 */

/** Seed 001 spells our `pending` as `queued`; its other names are ours. */
export const seed001Status = (status: string): string => (status === "pending" ? "queued" : status);

/** The seed's integer pipeline_id, our UUID, or several of either. */
const pipelineRef = z.union([z.string().trim().min(1).max(100), z.number().int().positive()]);
const common = {
  pipeline_id: z.union([pipelineRef, z.array(pipelineRef).max(20)]).optional(),
  batch_description: z.string().optional(),
  priority: z.string().optional(),
  customer_prefix: z.string().optional(),
  external_ref: z.string().optional(),
};
const file = { file_name: z.string().min(1, "must not be empty"), file_data: z.string() };

export const singleJobSchema = z.object({ ...common, ...file }).strict();
export const batchJobsSchema = z.object({ ...common, files: z.array(z.object(file).strict()).min(1, "at least one file is required") }).strict();

type Common = Omit<z.infer<typeof batchJobsSchema>, "files">;

/** The seed's fields under our names; the upload's own schema then checks them as for any upload. */
function ourOptions({ batch_description, ...rest }: Common): Record<string, unknown> {
  return batch_description === undefined ? rest : { ...rest, description: batch_description };
}

/** `{pipeline_id, file_name, file_data, batch_description}` -> our JSON upload body. */
export function mapSingleJobBody(raw: unknown): unknown {
  const { file_name, file_data, ...rest } = parseWith(singleJobSchema, raw, "body");
  return { ...ourOptions(rest), files: [{ file_name, file_data }] };
}

/** `{pipeline_id, files: [{file_name, file_data}], batch_description}` -> our JSON upload body. */
export function mapBatchJobsBody(raw: unknown): unknown {
  const { files, ...rest } = parseWith(batchJobsSchema, raw, "body");
  return { ...ourOptions(rest), files };
}

export interface SeedAnswer<T> {
  status: number;
  body: T;
}

/** POST /api/jobs -> `{job_id, batch_id, status}` (201; 200 when an Idempotency-Key repeats). */
export async function submitJob(ctx: AppContext, request: Request, auth: Principal): Promise<SeedAnswer<{ job_id: string; batch_id: string; status: string }>> {
  const { batch, created } = await acceptUpload(ctx, request, auth, { mapJsonBody: mapSingleJobBody });
  const job = batch.jobs[0]!;
  return { status: created ? 201 : 200, body: { job_id: job.id, batch_id: batch.id, status: seed001Status(job.status) } };
}

/** POST /api/jobs/batch -> `{batch_id, base_directory_name, job_count, job_ids, status}`. */
export async function submitBatch(ctx: AppContext, request: Request, auth: Principal): Promise<SeedAnswer<ReturnType<typeof batchAnswer>>> {
  const { batch, created } = await acceptUpload(ctx, request, auth, { mapJsonBody: mapBatchJobsBody });
  return { status: created ? 201 : 200, body: batchAnswer(batch) };
}

export function batchAnswer(batch: BatchDetail) {
  return {
    batch_id: batch.id,
    base_directory_name: batch.base_directory_name,
    job_count: batch.jobs.length,
    job_ids: batch.jobs.map((job) => job.id),
    status: seed001Status(batch.status),
  };
}
