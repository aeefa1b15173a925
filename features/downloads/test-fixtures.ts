import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { batches, files, jobs, type JobRow } from "@/db/schema";
import { refreshBatch } from "@/features/queue/batch-status";
import { insertPipeline } from "@/features/pipelines/queries";
import { newJobRow } from "@/features/queue/enqueue";
import type { AppContext } from "@/features/shared/context";

/**
 * Test data for downloads and maintenance, written the way upload and queue write it: rows in one
 * IMMEDIATE transaction with refreshBatch, inputs content-addressed, outputs at
 * outputs/<batch id>/<job id>.<ext>. Client names go in verbatim, hostile ones included.
 */

export function addPipeline(ctx: AppContext, name: string, format: "jpeg" | "png" | "webp" = "png"): string {
  return insertPipeline(ctx.db, { name, format }, ctx.clock.now()).id;
}

export interface SeedJob {
  file: string;
  pipelineId: string;
  status?: JobRow["status"];
  /** Output bytes for a completed job. */
  output?: Buffer;
  /** Extension of the stored output; defaults to the pipeline-independent `png`. */
  ext?: string;
  /** Output name as the processor recorded it; defaults to the input's stem + ext. */
  outputName?: string;
  error?: string;
}

export interface SeededBatch {
  batchId: string;
  baseName: string;
  jobs: (JobRow & { outputFile?: string })[];
}

/** One batch; each distinct `file` becomes one input (its name as bytes, so inputs differ). */
export function seedBatch(
  ctx: AppContext,
  spec: { jobs: SeedJob[]; baseName?: string; pinned?: boolean; input?: (name: string) => Buffer },
): SeededBatch {
  const now = ctx.clock.now();
  const batchId = randomUUID();
  const baseName = spec.baseName ?? `TEST_2025-11-05_batch-${batchId.slice(0, 8)}`;
  const fileRows = new Map<string, typeof files.$inferInsert>();
  for (const name of new Set(spec.jobs.map((j) => j.file))) {
    const data = spec.input?.(name) ?? Buffer.from(`input ${batchId} ${name}`);
    const sha256 = createHash("sha256").update(data).digest("hex");
    fs.writeFileSync(path.join(ctx.paths.inputs, sha256), data);
    fileRows.set(name, {
      id: randomUUID(), batchId, originalName: name, safeName: `${fileRows.size}-${name}`.slice(0, 180), mime: "image/png",
      size: data.length, sha256, storageKey: `inputs/${sha256}`, createdAt: now,
    });
  }
  const jobRows = spec.jobs.map((j) => {
    const file = fileRows.get(j.file)!;
    const row: JobRow & { outputFile?: string } = newJobRow({ batchId, fileId: file.id!, pipelineId: j.pipelineId, priority: "normal" }, ctx.config, now);
    row.status = j.status ?? (j.output ? "completed" : "pending");
    if (row.status === "failed") Object.assign(row, { errorCode: "processing_failed", errorMessage: j.error ?? "failed", completedAt: now });
    if (j.output) {
      const ext = j.ext ?? "png";
      row.outputKey = `outputs/${batchId}/${row.id}.${ext}`;
      row.outputName = j.outputName ?? `${j.file.replace(/\.[^.]*$/, "")}.${ext}`;
      row.outputSize = j.output.length;
      Object.assign(row, { outputWidth: 8, outputHeight: 6, completedAt: now, progress: 1 });
      row.outputFile = path.join(ctx.paths.root, row.outputKey);
      fs.mkdirSync(path.dirname(row.outputFile), { recursive: true });
      fs.writeFileSync(row.outputFile, j.output);
    }
    return row;
  });
  ctx.db.transaction(
    (tx) => {
      tx.insert(batches).values({
        id: batchId, customerPrefix: "TEST", batchDate: "2025-11-05", batchCounter: Math.floor(Math.random() * 1e9),
        baseDirectoryName: baseName, totalFiles: fileRows.size, pinned: spec.pinned ?? false, createdAt: now, updatedAt: now,
      }).run();
      tx.insert(files).values([...fileRows.values()]).run();
      tx.insert(jobs).values(jobRows.map(({ outputFile: _, ...row }) => row)).run();
      refreshBatch(ctx.db.$client, batchId, now);
    },
    { behavior: "immediate" },
  );
  return { batchId, baseName, jobs: jobRows };
}

/** Reads a web stream to the end. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
