import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test } from "@playwright/test";
import { centralDirectory } from "../test/zip";
import {
  jobCounts,
  killServer,
  makeFiles,
  partFilesIn,
  readDb,
  seededRandom,
  startPartialDownload,
  startServer,
  startReceivingUpload,
  startStalledUpload,
  stopServer,
  spawnServer,
  upload,
  waitDrained,
  waitHealthy,
  type SentUpload,
  type Server,
} from "./crash-helpers";
import { assertInvariants } from "./crash-invariants";

/**
 * The crash suite (docs/testing.md): a real server (`npm start`'s entry) SIGKILLed (its whole process group) at seeded moments
 * while jobs run, mid-upload, mid-ZIP and mid-cleanup, restarted on the same DATA_DIR each time;
 * then nothing acknowledged may be lost and nothing else may show up (e2e/crash-invariants.ts).
 * CRASH_SEED replays a run; the seed and what each kill hit are printed.
 */

const SEED = Number(process.env.CRASH_SEED ?? 20261123);
const ROUNDS = 4;
const BATCHES_PER_ROUND = 3;
const FILES_PER_BATCH = 5;
const OLD_BATCHES = 40;
const MAX_ATTEMPTS = 4; // MAX_RETRIES=3 (SERVER_ENV) + 1: features/queue/enqueue.ts
const DAY_MS = 86_400_000;
// Scheduled retention would race the test's own cleanup; only POST /api/maintenance/cleanup runs it here.
const ENV = { RETENTION_DAYS: "36500" };

let dataDir: string;
const servers: Server[] = [];
const boot = async () => {
  const server = await startServer(dataDir, ENV);
  servers.push(server);
  return server;
};

test.beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-e2e-crash-"));
});

test.afterEach(async () => {
  const testInfo = test.info();
  try {
    for (const server of servers.splice(0)) {
      if (testInfo.status !== testInfo.expectedStatus) testInfo.annotations.push({ type: "server stderr", description: server.stderr.join("").slice(-4000) });
      await killServer(server);
    }
    // A failure keeps its database in the test's results (attach copies it), not in the temp folder.
    if (testInfo.status !== testInfo.expectedStatus) {
      for (const file of ["db.sqlite", "db.sqlite-wal"].map((f) => path.join(dataDir, f)).filter((f) => fs.existsSync(f))) {
        await testInfo.attach(path.basename(file), { path: file });
      }
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

async function pipelineId(server: Server, name: string): Promise<string> {
  const { data } = (await (await server.fetch("/api/pipelines")).json()) as { data: { id: string; name: string }[] };
  return data.find((p) => p.name === name)!.id;
}

/** An upload whose answer never came: present (whole) or absent, never partial. */
function settle(sent: SentUpload, kept: SentUpload[], absent: SentUpload[]): "committed" | "absent" {
  const row = readDb(dataDir, (db) => db.prepare("SELECT id FROM batches WHERE idempotency_key = ?").get(sent.key) as { id: string } | undefined);
  if (!row) return absent.push(sent), "absent";
  sent.batchId = row.id;
  kept.push(sent);
  return "committed";
}

test("SIGKILL while jobs run, mid-upload, mid-ZIP and mid-cleanup loses nothing acknowledged", async () => {
  test.setTimeout(300_000);
  const random = seededRandom(SEED);
  const kept: SentUpload[] = [];
  const absent: SentUpload[] = [];
  const log: string[] = [`seed ${SEED}`];
  let server = await boot();
  const jpeg = await pipelineId(server, "Web JPEG 1600 px");
  const webp = await pipelineId(server, "Thumbnail WebP 400 px");
  const png = await pipelineId(server, "PNG 24-bit 800 px");
  const restart = async () => {
    await killServer(server);
    server = await boot();
  };

  await test.step(`${ROUNDS} rounds: upload while jobs run, kill at a seeded number of finished jobs, restart`, async () => {
    let runningAtKills = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const uploads: SentUpload[] = [];
      for (let b = 0; b < BATCHES_PER_ROUND; b++) {
        uploads.push({ key: `round-${round}-batch-${b}`, files: await makeFiles(`PL_R${round}B${b}`, FILES_PER_BATCH, 160) });
      }
      const finished = () => (jobCounts(dataDir).completed ?? 0) + (jobCounts(dataDir).failed ?? 0);
      const killAfter = finished() + 1 + Math.floor(random() * BATCHES_PER_ROUND * FILES_PER_BATCH * 2 * 0.8);
      // Uploads keep coming while the queue works; the kill may land between two of them or inside one.
      let answered = 0;
      const sending = (async () => {
        for (const sent of uploads) {
          await upload(server, sent, { pipeline_id: [jpeg, webp] });
          kept.push(sent);
          answered++;
        }
      })().catch(() => undefined);
      await expect.poll(finished, { timeout: 60_000, intervals: [5] }).toBeGreaterThanOrEqual(killAfter);
      await killServer(server);
      await sending;
      const atKill = jobCounts(dataDir);
      runningAtKills += atKill.processing ?? 0;
      // The upload in flight at the kill (if any) got no answer: it must be whole or absent. Later ones were never sent.
      const unanswered = uploads[answered];
      const inFlight = unanswered ? settle(unanswered, kept, absent) : "none";
      log.push(`round ${round}: killed after ${killAfter} finished jobs with ${JSON.stringify(atKill)}; ${answered}/${uploads.length} uploads answered, in flight: ${inFlight}`);
      server = await boot();
    }
    expect(runningAtKills, "no kill landed while jobs were running").toBeGreaterThan(0);
    await waitDrained(dataDir);
  });

  await test.step("kill in the middle of an upload body: the unanswered upload never appears", async () => {
    const stalled: SentUpload = { key: "stalled-upload", files: await makeFiles("PL_STALLED", 1, 400) };
    const { outcome } = startStalledUpload(server, stalled);
    await expect.poll(() => partFilesIn(dataDir).length, { intervals: [5] }).toBeGreaterThan(0);
    await restart();
    expect(await outcome).toMatch(/^no answer/);
    absent.push(stalled);
    expect(partFilesIn(dataDir)).toEqual([]);
    log.push(`upload: killed with half of ${stalled.files[0]!.data.length} bytes sent`);
  });

  await test.step("kill while a batch is receiving, its first files already processed: the batch goes with its outputs", async () => {
    const receiving: SentUpload = { key: "receiving-upload", files: await makeFiles("PL_RECEIVING", 6, 160) };
    const { outcome } = startReceivingUpload(server, receiving, 3, { pipeline_id: webp });
    const batch = () =>
      readDb(dataDir, (db) =>
        db.prepare("SELECT id, receiving, completed_jobs AS done FROM batches WHERE idempotency_key = ?").get(receiving.key) as { id: string; receiving: number; done: number } | undefined,
      );
    await expect.poll(() => batch()?.done ?? 0, { timeout: 30_000, intervals: [5] }).toBeGreaterThan(0);
    const atKill = batch()!;
    expect(atKill.receiving).toBe(1);
    expect(fs.existsSync(path.join(dataDir, "outputs", atKill.id)), "an output was made before the kill").toBe(true);
    await restart();
    expect(await outcome).toMatch(/^no answer/);
    expect(settle(receiving, kept, absent)).toBe("absent");
    expect(fs.existsSync(path.join(dataDir, "outputs", atKill.id))).toBe(false);
    for (const file of receiving.files) expect(fs.existsSync(path.join(dataDir, "inputs", file.sha256)), `${file.name} left in inputs/`).toBe(false);
    log.push(`receiving: killed with 3 of 6 files in and ${atKill.done} processed; the batch and its outputs were removed at the restart`);
  });

  await test.step("kill while a ZIP streams: the restarted server serves the whole ZIP", async () => {
    const zipped: SentUpload = { key: "zip-batch", files: await makeFiles("PL_ZIP", 8, 640) };
    const batchId = await upload(server, zipped, { pipeline_id: png });
    kept.push(zipped);
    await waitDrained(dataDir);
    const download = await startPartialDownload(server, `/api/batches/${batchId}/download`, 256 * 1024);
    await restart();
    expect(await download.finish(), "the ZIP had fully arrived before the kill").toBe(false);
    const zip = Buffer.from(await (await server.fetch(`/api/batches/${batchId}/download`)).arrayBuffer());
    expect(centralDirectory(zip)).toHaveLength(zipped.files.length + 1); // outputs + manifest.csv
    log.push(`zip: killed after ${download.bytes} of ${zip.length} bytes`);
  });

  await test.step("kill during retention cleanup: every batch is either whole or gone", async () => {
    const old: SentUpload[] = [];
    for (let i = 0; i < OLD_BATCHES; i++) {
      const sent: SentUpload = { key: `old-${i}`, files: await makeFiles(`OLD_${i}`, 1, 48) };
      await upload(server, sent, { pipeline_id: webp, customer_prefix: "OLD" });
      old.push(sent);
    }
    await waitDrained(dataDir);
    await killServer(server);
    // Age them while the server is down: a month past completion, well beyond days_old below.
    const db = new Database(path.join(dataDir, "db.sqlite"));
    db.prepare("UPDATE batches SET completed_at = completed_at - ? WHERE customer_prefix = 'OLD'").run(30 * DAY_MS);
    db.close();
    server = await boot();

    const oldLeft = () => readDb(dataDir, (d) => (d.prepare("SELECT count(*) AS n FROM batches WHERE customer_prefix = 'OLD'").get() as { n: number }).n);
    const killAt = OLD_BATCHES - 1 - Math.floor(random() * 10);
    const cleanup = server.fetch("/api/maintenance/cleanup", { method: "POST", headers: { "content-type": "application/json" }, body: '{"days_old":7}' });
    cleanup.catch(() => undefined);
    await expect.poll(oldLeft, { intervals: [2] }).toBeLessThanOrEqual(killAt);
    await restart();
    const left = oldLeft();
    expect(left, "cleanup had finished before the kill").toBeGreaterThan(0);
    for (const sent of old) settle(sent, kept, absent);
    // Mid-way check while the server runs: the half-cleaned state is already consistent.
    const midway = assertInvariants(dataDir, { kept, absent, maxAttempts: MAX_ATTEMPTS, outputsMayLinger: old.map((s) => s.batchId!) });

    const response = await server.fetch("/api/maintenance/cleanup", { method: "POST", headers: { "content-type": "application/json" }, body: '{"days_old":7}' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { cleaned_count: number }).cleaned_count).toBe(left);
    for (const sent of kept.filter((s) => s.key.startsWith("old-"))) absent.push(sent);
    kept.splice(0, kept.length, ...kept.filter((s) => !s.key.startsWith("old-")));
    log.push(
      `cleanup: killed with ${left} of ${OLD_BATCHES} expired batches left (${midway.lingering_output_folders} output folders, ` +
        `${midway.unreferenced_inputs} inputs of deleted batches still on disk); a second cleanup removed the remaining batches`,
    );
  });

  await test.step("final restart, drain, stop: the invariants hold", async () => {
    await restart();
    await waitDrained(dataDir);
    await stopServer(server);
    const report = assertInvariants(dataDir, { kept, absent, maxAttempts: MAX_ATTEMPTS });
    log.push(`final: ${JSON.stringify(report)}`);
    // The only way a job of these valid images may fail: it was running at two kills in a row, and
    // the crash-loop guard cannot tell an outside SIGKILL from a file that kills its worker.
    const failed = readDb(dataDir, (db) => db.prepare("SELECT error_code, crash_count FROM jobs WHERE status = 'failed'").all());
    for (const job of failed) expect(job).toEqual({ error_code: "worker_crashed", crash_count: 2 });
    log.push(`${failed.length} jobs failed as worker_crashed after being in flight at two kills`);
    console.log(`crash suite\n  ${log.join("\n  ")}`);
  });
});

test("a file that kills its worker every time ends failed after two crashes; the server stays up", async () => {
  test.setTimeout(180_000);
  let server = await boot();
  const crasher: SentUpload = { key: "crasher", files: await makeFiles("PL_BOOM__crash__", 1, 64) };
  await upload(server, crasher);
  let starts = 1;
  // Each run of the file SIGKILLs the server; restart it until the job is given up on.
  while (readDb(dataDir, (db) => (db.prepare("SELECT status FROM jobs").get() as { status: string }).status) !== "failed") {
    expect(await server.exited, server.stderr.join("")).toEqual({ code: null, signal: "SIGKILL" });
    expect(starts, "the crashing file was retried more than twice").toBeLessThan(3);
    server = await spawnServer(dataDir, ENV);
    servers.push(server);
    starts++;
    await waitHealthy(server);
  }
  expect(starts).toBe(3);
  const job = readDb(dataDir, (db) => db.prepare("SELECT id, error_code, crash_count, attempts FROM jobs").get()) as { id: string; error_code: string; crash_count: number };
  expect(job).toMatchObject({ error_code: "worker_crashed", crash_count: 2 });
  const outcomes = readDb(dataDir, (db) => db.prepare("SELECT outcome FROM attempts ORDER BY id").all()) as { outcome: string }[];
  expect(outcomes.map((o) => o.outcome)).toEqual(["interrupted", "interrupted"]);

  // The server that recovered it keeps serving and processing.
  const after: SentUpload = { key: "after-crasher", files: await makeFiles("PL_AFTER", 2, 64) };
  const batchId = await upload(server, after);
  await waitDrained(dataDir);
  const batch = (await (await server.fetch(`/api/batches/${batchId}`)).json()) as { status: string };
  expect(batch.status).toBe("completed");
  await stopServer(server);
  assertInvariants(dataDir, { kept: [crasher, after], absent: [], maxAttempts: MAX_ATTEMPTS });
});
