/**
 * After a load run: wait for the queue to drain, then prove nothing acknowledged was lost.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { round, sleep, type Ack, type LoadServer } from "./load-lib";

const TERMINAL = new Set(["completed", "failed", "cancelled"]);

/** Waits (bounded) until no job is pending or processing; returns the seconds it took, or null. */
export async function waitForDrain(server: LoadServer, timeoutMs: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const stats = (await (await server.fetch("/api/batches/stats")).json()) as { queue: { depth: number; running: number } };
    if (stats.queue.depth === 0 && stats.queue.running === 0) return round((Date.now() - started) / 1000, 1);
    await sleep(500);
  }
  return null;
}

export interface Verification {
  acked_uploads: number;
  acked_files: number;
  /** Acknowledged uploads missing a row, a file, or whose stored bytes differ from what was sent. */
  lost_uploads: number;
  /** Jobs of acknowledged uploads not in a terminal state. */
  unfinished_jobs: number;
  jobs: Record<string, number>;
  problems: string[];
}

/**
 * Every acknowledged batch must answer GET /api/batches/:id with all its files, and in the database
 * (opened read-only next to the running server) hold one files row per sent file whose sha256 is
 * the one sent and whose stored input hashes to it.
 */
export async function verifyUploads(server: LoadServer, acks: Ack[]): Promise<Verification> {
  const problems: string[] = [];
  const lost = new Set<string>();
  const fail = (batchId: string, why: string) => {
    lost.add(batchId);
    if (problems.length < 20) problems.push(`${batchId}: ${why}`);
  };
  let unfinished = 0;
  const checkDetail = async (ack: Ack) => {
    const response = await server.fetch(`/api/batches/${ack.batchId}`);
    if (response.status !== 200) return fail(ack.batchId, `GET answered ${response.status}`);
    const detail = (await response.json()) as { total_files: number; jobs: { file_name: string; status: string }[] };
    const names = [...new Set(detail.jobs.map((j) => j.file_name))].sort();
    if (detail.total_files !== ack.files.length || names.join("|") !== ack.files.map((f) => f.name).sort().join("|")) {
      fail(ack.batchId, `detail lists ${names.join(", ")}`);
    }
    unfinished += detail.jobs.filter((j) => !TERMINAL.has(j.status)).length;
  };
  // A few at a time: thousands of acknowledged batches after a soak, one by one, take minutes.
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < acks.length) await checkDetail(acks[next++]!);
  }));

  const db = new Database(path.join(server.dataDir, "db.sqlite"), { readonly: true, fileMustExist: true });
  try {
    const filesOf = db.prepare("SELECT sha256, storage_key FROM files WHERE batch_id = ?");
    for (const ack of acks) {
      const rows = filesOf.all(ack.batchId) as { sha256: string; storage_key: string }[];
      const sent = ack.files.map((f) => f.sha256).sort().join();
      if (rows.map((r) => r.sha256).sort().join() !== sent) fail(ack.batchId, "stored sha256s differ from the sent ones");
      for (const row of rows) {
        const file = path.join(server.dataDir, row.storage_key);
        const bytes = fs.existsSync(file) ? fs.readFileSync(file) : undefined;
        if (!bytes) fail(ack.batchId, `input ${row.storage_key} is missing`);
        else if (createHash("sha256").update(bytes).digest("hex") !== row.sha256) fail(ack.batchId, `input ${row.storage_key} does not hash to its sha256`);
      }
    }
    const jobs = Object.fromEntries((db.prepare("SELECT status, count(*) AS n FROM jobs GROUP BY status").all() as { status: string; n: number }[]).map((r) => [r.status, r.n]));
    return {
      acked_uploads: acks.length,
      acked_files: acks.reduce((n, a) => n + a.files.length, 0),
      lost_uploads: lost.size,
      unfinished_jobs: unfinished,
      jobs,
      problems,
    };
  } finally {
    db.close();
  }
}
