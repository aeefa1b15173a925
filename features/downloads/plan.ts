import fs from "node:fs";
import path from "node:path";
import type { AppContext } from "@/features/shared/context";
import { notFound } from "@/features/shared/errors";
import { resolveKey } from "@/features/shared/paths";
import { buildManifest, type ManifestRow } from "./manifest";
import { EntryNamer, safeSegment } from "./names";
import { readBatchSnapshot, type JobLine } from "./queries";

/** One output file to copy into the archive. */
export interface PlannedEntry {
  jobId: string;
  /** Path inside the ZIP, `<base>/…`. */
  path: string;
  /** Absolute path on disk. */
  file: string;
  size: number;
  mtime: Date;
  /** Deflate only what is not compressed already (JPEG/PNG/WebP/AVIF/GIF gain nothing). */
  compress: boolean;
}

export interface DownloadPlan {
  batchId: string;
  zipName: string;
  manifestPath: string;
  manifest: Buffer;
  /** Further small files written right after the manifest: the other batches' manifests in a download of several. */
  extraFiles?: { path: string; data: Buffer }[];
  /** When the snapshot was taken (the manifest's timestamp in the archive). */
  takenAt: Date;
  entries: PlannedEntry[];
  /** Jobs not (yet) in the archive, as the manifest lists them. */
  pendingCount: number;
}

const STORED_EXTENSIONS = new Set([".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".heic", ".heif", ".jxl"]);

/**
 * Reads everything the archive needs into memory before a single byte is sent: one snapshot read
 * of the batch and its jobs (so no SQLite statement stays open while the client downloads, which
 * would stop WAL checkpoints), then a stat of each completed output. Mid-batch this is simply the
 * state at request time: completed outputs go in, the manifest lists the rest with their status.
 */
export async function planBatchDownload(ctx: AppContext, batchId: string): Promise<DownloadPlan> {
  const snapshot = readBatchSnapshot(ctx.db, batchId);
  if (!snapshot) throw notFound("batch", batchId);
  const root = safeSegment(snapshot.baseName, "batch");
  const manifestPath = `${root}/manifest.csv`;
  const namer = new EntryNamer();
  namer.reserve(manifestPath);
  const severalPipelines = new Set(snapshot.jobs.map((j) => j.pipeline_id)).size > 1;

  const entries: PlannedEntry[] = [];
  const rows: ManifestRow[] = [];
  for (const job of snapshot.jobs) {
    const pipelineFolder = severalPipelines ? `${root}/${safeSegment(job.pipeline_slug, "pipeline")}` : root;
    const folder = withDroppedFolders(pipelineFolder, job.relative_path);
    const row: ManifestRow = {
      source_file: job.original_name,
      pipeline: job.pipeline_name,
      output_name: "",
      status: job.status,
      input_size: job.input_size,
      output_size: job.output_size,
      width: job.output_width,
      height: job.output_height,
      error: job.error_message ?? "",
    };
    rows.push(row);
    if (job.status !== "completed" || !job.output_key) continue;
    const file = resolveKey(ctx.paths, job.output_key);
    const stat = await fs.promises.stat(file).catch(() => undefined);
    if (!stat?.isFile()) {
      Object.assign(row, { status: "missing", error: "The output file is missing on disk." });
      ctx.log.warn({ batchId, jobId: job.id, key: job.output_key }, "completed output missing from disk");
      continue;
    }
    const entryPath = namer.claim(folder, job.output_name ?? fallbackName(job), "output");
    row.output_name = entryPath.slice(root.length + 1);
    row.output_size = stat.size;
    entries.push({
      jobId: job.id,
      path: entryPath,
      file,
      size: stat.size,
      mtime: new Date(job.completed_at ?? stat.mtimeMs),
      compress: !STORED_EXTENSIONS.has(path.extname(entryPath).toLowerCase()),
    });
  }
  return {
    batchId,
    zipName: `${root}.zip`,
    manifestPath,
    manifest: buildManifest(rows),
    takenAt: new Date(ctx.clock.now()),
    entries,
    pendingCount: rows.length - entries.length,
  };
}

/**
 * A file dropped in a folder keeps that folder under its pipeline's: `<base>/<slug>/shoot/day1/`.
 * The stored path is safe already; each segment is made safe again here because this is where it
 * becomes a path someone unpacks.
 */
function withDroppedFolders(base: string, relativePath: string | null): string {
  if (!relativePath || !relativePath.includes("/")) return base;
  const segments = relativePath.split("/").slice(0, -1).map((segment) => safeSegment(segment, "folder"));
  return [base, ...segments].join("/");
}

/** Outputs written before output_name existed: the input's stem with the output's extension. */
function fallbackName(job: JobLine): string {
  const dot = job.safe_name.lastIndexOf(".");
  const stem = dot > 0 ? job.safe_name.slice(0, dot) : job.safe_name;
  return `${stem}${path.extname(job.output_key ?? "")}`;
}
