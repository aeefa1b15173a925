import type { BatchDetail } from "@/features/batches/detail";
import { countJobs, fileStatus, tallyFiles, type FileStatus, type FileTally } from "@/features/batches/file-progress";

/**
 * A batch detail regrouped by file, for the seed APIs that know files, not jobs (a file runs
 * through every pipeline of its batch). Shared by the seed 003 and 004 adapters.
 */
export interface SeedFile {
  id: string;
  name: string;
  size: number;
  status: FileStatus;
  /** 0-100, the mean of its jobs' progress (a finished job counts as 100). */
  progress: number;
  jobs: BatchDetail["jobs"];
}

export function filesOf(batch: BatchDetail): SeedFile[] {
  const byFile = new Map<string, BatchDetail["jobs"]>();
  for (const job of batch.jobs) {
    const jobs = byFile.get(job.file_id);
    if (jobs) jobs.push(job);
    else byFile.set(job.file_id, [job]);
  }
  return [...byFile.values()].map((jobs) => {
    const done = (job: BatchDetail["jobs"][number]) => (job.status === "pending" || job.status === "processing" ? job.progress : 1);
    return {
      id: jobs[0]!.file_id,
      name: jobs[0]!.file_name,
      size: jobs[0]!.input_size,
      status: fileStatus(countJobs(jobs)),
      progress: Math.round((jobs.reduce((sum, job) => sum + done(job), 0) / jobs.length) * 100),
      jobs,
    };
  });
}

export const tallyOf = (files: SeedFile[]): FileTally => tallyFiles(files.map((f) => f.status));

/** Seed 003 sends session ids as integers: a stored all-digit reference goes back as a number. */
export function sessionIdOf(externalRef: string | null): string | number | null {
  if (externalRef === null) return null;
  return /^\d{1,15}$/.test(externalRef) ? Number(externalRef) : externalRef;
}
