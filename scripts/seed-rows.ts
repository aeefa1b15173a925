import { randomBytes, randomUUID } from "node:crypto";
import { deriveBatchStatus, type JobCounts } from "@/features/queue/batch-status";
import { localDate } from "@/features/shared/clock";
import type { BatchRow } from "@/db/schema";

/** Synthetic but plausible rows for demos and the scale benchmark (scripts/seed.ts writes them). */

export const SEED_PREFIXES = ["PL_DXB", "ACME", "NORD_OSL", "KAI_TYO", "SOL_MAD", "HARBOR", "BATCH", "VELO_AMS"];
const SUBJECTS = ["front", "back", "side", "detail", "lobby", "pool", "suite", "terrace", "kitchen", "facade", "spa", "roof"];
const THEMES = ["Spring catalogue", "Hotel refresh", "Product shots", "Press kit", "Menu photos", "Listing update", "Lookbook", "Site survey"];
const MIMES = [
  { mime: "image/jpeg", ext: "jpg" },
  { mime: "image/png", ext: "png" },
  { mime: "image/webp", ext: "webp" },
];
const ERRORS = [
  "Input is not a readable image (corrupt JPEG data)",
  "Worker crashed on this file",
  "Image is larger than the 100 megapixel limit",
  "Processing timed out after 30 minutes",
];
const DAY = 86_400_000;

/** Intended statuses with weights; the written status is always what the jobs imply. */
const STATUS_WEIGHTS: [BatchRow["status"], number][] = [
  ["completed", 70],
  ["failed", 6],
  ["cancelled", 6],
  ["paused", 4],
  ["processing", 4],
  ["pending", 10],
];
const PRIORITY_WEIGHTS: [BatchRow["priority"], number][] = [
  ["high", 20],
  ["normal", 60],
  ["low", 20],
];

export type Rng = () => number;

/** Small seeded PRNG (mulberry32) so a seed with the same numbers builds the same data. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const weighted = <T>(r: Rng, items: [T, number][]): T => {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [item, w] of items) if ((x -= w) < 0) return item;
  return items[items.length - 1]![0];
};
const between = (r: Rng, min: number, max: number) => Math.floor(min + r() * (max - min + 1));

export interface SeedPipeline {
  id: string;
  name: string;
  ext: string;
}

export interface SeedBatch {
  batch: Record<string, unknown>;
  files: Record<string, unknown>[];
  jobs: Record<string, unknown>[];
  attempts: Record<string, unknown>[];
}

/** The intended shape of one batch: when, who, how big, and how far it got. */
export interface PlanOptions {
  prefixes?: string[];
  /** Limit the intended statuses, e.g. to idle ones so a live queue leaves the rows alone. */
  statuses?: BatchRow["status"][];
}

export function planBatch(r: Rng, now: number, filesPerBatch: number, options: PlanOptions = {}) {
  const allowed = STATUS_WEIGHTS.filter(([s]) => !options.statuses || options.statuses.includes(s));
  const status = weighted(r, allowed);
  // Work still in flight is recent; finished work spreads over the past year.
  const ageMs = status === "completed" || status === "failed" || status === "cancelled" ? r() * 365 * DAY : r() * 14 * DAY;
  const createdAt = Math.floor(now - ageMs);
  return {
    status,
    createdAt,
    prefix: pick(r, options.prefixes ?? SEED_PREFIXES),
    priority: weighted(r, PRIORITY_WEIGHTS),
    files: Math.max(1, between(r, Math.ceil(filesPerBatch / 2), Math.floor(filesPerBatch * 1.5))),
  };
}

type Plan = ReturnType<typeof planBatch>;
type JobStatus = "pending" | "completed" | "failed" | "cancelled";

/** Which jobs ended how, for the intended batch status. */
function jobOutcomes(r: Rng, plan: Plan, total: number): JobStatus[] {
  const done = (n: number, rest: JobStatus) =>
    Array.from({ length: total }, (_, i): JobStatus => (i < n ? "completed" : rest));
  switch (plan.status) {
    case "completed": {
      const out = done(total, "completed");
      if (total > 1 && r() < 0.15) for (let i = 0; i < between(r, 1, Math.min(2, total - 1)); i++) out[total - 1 - i] = "failed";
      return out;
    }
    case "failed":
      return done(0, "failed");
    case "cancelled":
      return done(between(r, 0, total - 1), "cancelled");
    case "paused":
      return done(between(r, 0, total - 1), "pending");
    case "processing":
      return done(between(r, 1, Math.max(1, total - 1)), "pending");
    default:
      return done(0, "pending");
  }
}

export function buildBatch(r: Rng, plan: Plan, counter: number, pipelines: SeedPipeline[], maxAttempts: number): SeedBatch {
  const batchId = randomUUID();
  const batchDate = localDate(plan.createdAt);
  const name = `${plan.prefix}_${batchDate}_batch-${counter}`;
  const theme = pick(r, THEMES);
  const files = Array.from({ length: plan.files }, (_, i) => {
    const kind = pick(r, MIMES);
    const original = `${plan.prefix}_${pick(r, SUBJECTS)}_${String(i + 1).padStart(3, "0")}.${kind.ext}`;
    const sha = randomBytes(32).toString("hex");
    return {
      id: randomUUID(),
      batch_id: batchId,
      original_name: original,
      safe_name: original.toLowerCase(),
      mime: kind.mime,
      size: between(r, 150_000, 8_000_000),
      sha256: sha,
      storage_key: `inputs/${sha}`,
      width: 4000,
      height: 3000,
      created_at: plan.createdAt,
    };
  });
  const pairs = files.flatMap((f) => pipelines.map((p) => ({ f, p })));
  const outcomes = jobOutcomes(r, plan, pairs.length);
  const attempts: Record<string, unknown>[] = [];
  let clock = plan.createdAt + between(r, 200, 5_000);
  const jobs = pairs.map(({ f, p }, i) => {
    const status = outcomes[i]!;
    const jobId = randomUUID();
    const runs = runsFor(r, status);
    const startedAt = runs.length ? clock : null;
    for (const [n, outcome] of runs.entries()) {
      const duration = Math.round(150 + Math.exp(r() * 3 + 5) * (f.size as number) / 4_000_000);
      attempts.push({
        job_id: jobId,
        batch_id: batchId,
        worker_id: `seed-worker-${between(r, 1, 3)}`,
        attempt_number: n + 1,
        started_at: clock,
        finished_at: clock + duration,
        outcome,
        error: outcome === "completed" ? null : outcome === "crashed" ? ERRORS[1] : pick(r, ERRORS),
        duration_ms: duration,
      });
      clock += duration + (outcome === "retry" || outcome === "crashed" ? 2_000 : 5);
    }
    const last = attempts[attempts.length - 1];
    const finished = status === "completed" || status === "failed" ? (last!.finished_at as number) : null;
    const outputSize = status === "completed" ? Math.round((f.size as number) * (0.1 + r() * 0.3)) : null;
    return {
      id: jobId,
      batch_id: batchId,
      file_id: f.id,
      pipeline_id: p.id,
      status,
      priority_rank: { high: 0, normal: 1, low: 2 }[plan.priority],
      progress: status === "completed" ? 1 : 0,
      attempts: runs.filter((o) => o !== "interrupted").length,
      max_attempts: maxAttempts,
      crash_count: runs.filter((o) => o === "crashed").length,
      run_after: plan.createdAt,
      error_code: status === "failed" ? "processing_failed" : null,
      error_message: status === "failed" ? (last!.error as string) : null,
      output_key: outputSize ? `outputs/${batchId}/${jobId}.${p.ext}` : null,
      output_name: outputSize ? `${(f.original_name as string).replace(/\.[a-z]+$/, "")}.${p.ext}` : null,
      output_size: outputSize,
      created_at: plan.createdAt,
      updated_at: finished ?? plan.createdAt,
      started_at: startedAt,
      completed_at: finished ?? (status === "cancelled" ? clock : null),
    };
  });
  return { batch: batchRow(batchId, name, theme, counter, plan, files, jobs), files, jobs, attempts };
}

/** The attempts a job went through to reach its status: mostly one clean run, some retries and crashes. */
function runsFor(r: Rng, status: JobStatus): string[] {
  const x = r();
  if (status === "completed") return x < 0.05 ? ["retry", "completed"] : x < 0.07 ? ["crashed", "completed"] : x < 0.08 ? ["interrupted", "completed"] : ["completed"];
  if (status === "failed") return x < 0.3 ? ["crashed", "crashed"] : x < 0.5 ? ["retry", "retry", "retry", "failed"] : ["failed"];
  if (status === "cancelled") return x < 0.2 ? ["cancelled"] : [];
  return x < 0.05 ? ["retry"] : [];
}

function batchRow(id: string, name: string, theme: string, counter: number, plan: Plan, files: SeedBatch["files"], jobs: SeedBatch["jobs"]) {
  const count = (s: string) => jobs.filter((j) => j.status === s).length;
  const counts: JobCounts = {
    total: jobs.length,
    pending: count("pending"),
    processing: 0,
    completed: count("completed"),
    failed: count("failed"),
    cancelled: count("cancelled"),
  };
  const status = deriveBatchStatus(plan.status, counts);
  const terminal = status === "completed" || status === "failed" || status === "cancelled";
  const ends = jobs.map((j) => (j.completed_at as number | null) ?? 0);
  const starts = jobs.map((j) => j.started_at as number | null).filter((s): s is number => s != null);
  const completedAt = terminal ? Math.max(plan.createdAt, ...ends) : null;
  return {
    id,
    customer_prefix: plan.prefix,
    batch_date: localDate(plan.createdAt),
    batch_counter: counter,
    base_directory_name: name,
    description: `${theme} · ${files.length} files`,
    priority: plan.priority,
    status,
    total_files: files.length,
    total_jobs: counts.total,
    completed_jobs: counts.completed,
    failed_jobs: counts.failed,
    cancelled_jobs: counts.cancelled,
    running_jobs: 0,
    total_size: files.reduce((s, f) => s + (f.size as number), 0),
    output_size: jobs.reduce((s, j) => s + ((j.status === "completed" ? (j.output_size as number) : 0) || 0), 0),
    pinned: terminal && (counter % 23 === 0) ? 1 : 0,
    created_at: plan.createdAt,
    updated_at: Math.max(plan.createdAt, ...ends),
    started_at: starts.length ? Math.min(...starts) : null,
    paused_at: status === "paused" ? Math.max(plan.createdAt, ...ends) + 1_000 : null,
    completed_at: completedAt,
  };
}
