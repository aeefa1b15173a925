import fs from "node:fs";
import path from "node:path";
import { expect } from "@playwright/test";
import { readDb, sha256, type SentUpload } from "./crash-helpers";

/**
 * What must hold in a DATA_DIR after any number of SIGKILLs, once the server has been restarted,
 * has drained its queue and has stopped: nothing acknowledged is lost or damaged, nothing
 * unacknowledged shows up, every job ended once, and the database and folders are clean.
 */
export interface Expectations {
  /** Uploads answered 201 (and in-flight ones that turned out committed): must be intact. */
  kept: SentUpload[];
  /** Uploads that must not exist: never acknowledged, or removed by retention cleanup. */
  absent: SentUpload[];
  maxAttempts: number;
  /**
   * Batches deleted by a cleanup that was killed: their outputs folder may outlive the commit that
   * removed their rows until the next cleanup sweeps it (features/batches/delete.ts orders it so).
   */
  outputsMayLinger?: string[];
}

export interface InvariantReport {
  batches: number;
  files: number;
  jobs: Record<string, number>;
  attempts: Record<string, number>;
  /** Inputs no file row points at: left by a kill between a delete's commit and its unlink. */
  unreferenced_inputs: number;
  lingering_output_folders: number;
}

const TERMINAL = ["completed", "failed", "cancelled"];

interface JobRow {
  id: string;
  batch_id: string;
  status: string;
  attempts: number;
  max_attempts: number;
  output_key: string | null;
}

export function assertInvariants(dataDir: string, expected: Expectations): InvariantReport {
  return readDb(dataDir, (db) => {
    const all = <T>(sql: string, ...args: unknown[]) => db.prepare(sql).all(...args) as T[];

    // Database health first: everything else reads it.
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(db.pragma("foreign_key_check")).toEqual([]);

    // Every acknowledged upload: its batch, its files and their bytes, under the same key.
    for (const sent of expected.kept) {
      const batch = db.prepare("SELECT id, total_files FROM batches WHERE idempotency_key = ?").get(sent.key) as
        | { id: string; total_files: number }
        | undefined;
      expect(batch, `acknowledged upload ${sent.key} is missing`).toBeDefined();
      expect(batch!.id).toBe(sent.batchId);
      const rows = all<{ original_name: string; sha256: string; size: number; storage_key: string }>(
        "SELECT original_name, sha256, size, storage_key FROM files WHERE batch_id = ? ORDER BY original_name",
        batch!.id,
      );
      expect(rows.map((r) => r.original_name)).toEqual(sent.files.map((f) => f.name).sort());
      for (const file of sent.files) {
        const row = rows.find((r) => r.original_name === file.name)!;
        expect(row.sha256).toBe(file.sha256);
        expect(row.size).toBe(file.data.length);
        const stored = fs.readFileSync(path.join(dataDir, row.storage_key));
        expect(sha256(stored), `${file.name} in ${sent.key} is damaged on disk`).toBe(file.sha256);
      }
    }

    // Nothing else: no batch, file or key of an upload that must be absent, and no stranger batch.
    for (const sent of expected.absent) {
      expect(db.prepare("SELECT id FROM batches WHERE idempotency_key = ?").get(sent.key), `${sent.key} is visible`).toBeUndefined();
      for (const file of sent.files) {
        expect(db.prepare("SELECT id FROM files WHERE original_name = ?").get(file.name), `${file.name} is visible`).toBeUndefined();
      }
    }
    const batchIds = all<{ id: string }>("SELECT id FROM batches").map((r) => r.id).sort();
    expect(batchIds).toEqual(expected.kept.map((s) => s.batchId!).sort());

    // Every job ended exactly once, within its attempt budget, with its one output (or none).
    const jobs = all<JobRow>("SELECT id, batch_id, status, attempts, max_attempts, output_key FROM jobs");
    const attemptsOf = new Map<string, { outcome: string | null; finished_at: number | null }[]>();
    for (const a of all<{ job_id: string; outcome: string | null; finished_at: number | null }>(
      "SELECT job_id, outcome, finished_at FROM attempts ORDER BY id",
    )) {
      attemptsOf.set(a.job_id, [...(attemptsOf.get(a.job_id) ?? []), a]);
    }
    for (const job of jobs) {
      expect(TERMINAL, `job ${job.id} is ${job.status}`).toContain(job.status);
      expect(job.max_attempts).toBe(expected.maxAttempts);
      expect(job.attempts).toBeLessThanOrEqual(job.max_attempts);
      const runs = attemptsOf.get(job.id) ?? [];
      expect(runs.every((r) => r.finished_at !== null && r.outcome !== null), `job ${job.id} has an open attempt`).toBe(true);
      // Interrupted runs are given back; every other run counts against the budget.
      expect(runs.filter((r) => r.outcome !== "interrupted").length).toBe(job.attempts);
      expect(runs.filter((r) => r.outcome === "completed").length).toBe(job.status === "completed" ? 1 : 0);
      if (job.status === "completed") expect(runs.at(-1)?.outcome).toBe("completed");
      assertOutputs(dataDir, job);
    }

    // Batch counters agree with their jobs.
    const drift = all(
      `SELECT b.id FROM batches b WHERE b.total_jobs != (SELECT count(*) FROM jobs j WHERE j.batch_id = b.id)
         OR b.completed_jobs != (SELECT count(*) FROM jobs j WHERE j.batch_id = b.id AND j.status = 'completed')
         OR b.failed_jobs != (SELECT count(*) FROM jobs j WHERE j.batch_id = b.id AND j.status = 'failed')
         OR b.cancelled_jobs != (SELECT count(*) FROM jobs j WHERE j.batch_id = b.id AND j.status = 'cancelled')`,
    );
    expect(drift).toEqual([]);

    // No temp files anywhere: uploads in flight, output writes, output folders of deleted batches.
    expect(fs.readdirSync(path.join(dataDir, "tmp"))).toEqual([]);
    let lingering = 0;
    for (const dir of fs.readdirSync(path.join(dataDir, "outputs"))) {
      if (!batchIds.includes(dir) && expected.outputsMayLinger?.includes(dir)) {
        lingering++;
        continue;
      }
      expect(batchIds, `outputs/${dir} belongs to no batch`).toContain(dir);
      expect(fs.readdirSync(path.join(dataDir, "outputs", dir)).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    }

    const count = (sql: string) => Object.fromEntries(all<{ k: string; n: number }>(sql).map((r) => [r.k, r.n]));
    return {
      batches: batchIds.length,
      files: (db.prepare("SELECT count(*) AS n FROM files").get() as { n: number }).n,
      jobs: count("SELECT status AS k, count(*) AS n FROM jobs GROUP BY status"),
      attempts: count("SELECT outcome AS k, count(*) AS n FROM attempts GROUP BY outcome"),
      unreferenced_inputs: fs
        .readdirSync(path.join(dataDir, "inputs"))
        .filter((name) => !db.prepare("SELECT 1 FROM files WHERE storage_key = ?").get(`inputs/${name}`)).length,
      lingering_output_folders: lingering,
    };
  });
}

/** A completed job has exactly its output file in outputs/<batch>/; any other job has none. */
function assertOutputs(dataDir: string, job: JobRow): void {
  const dir = path.join(dataDir, "outputs", job.batch_id);
  const mine = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.includes(job.id)) : [];
  if (job.status === "completed") {
    expect(job.output_key).toBe(`outputs/${job.batch_id}/${mine[0]}`);
    expect(mine, `job ${job.id} outputs`).toHaveLength(1);
  } else {
    expect(mine, `${job.status} job ${job.id} left files`).toEqual([]);
  }
}
