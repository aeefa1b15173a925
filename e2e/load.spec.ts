import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { runLoad, startServer, type LoadServer } from "../bench/load-lib";
import { verifyUploads, waitForDrain } from "../bench/load-verify";

/**
 * The load suite's short variant (docs/testing.md), part of `npm test`: 20 uploaders and 50 dashboard
 * pollers for 20 s against this spec's own server, signed in, while the queue works, with two
 * preview editors and five thumbnail viewers asking for image work alongside. Only guarantees that
 * hold on any machine are asserted: no 5xx, nothing lost, every job finishes, the server stays
 * healthy. Latencies vary with the machine and go to `npm run bench:load` (60 s, p95 budget) and
 * `npm run bench:soak` (10 min, growth of RSS / fds / WAL).
 */

let server: LoadServer | undefined;

test.afterEach(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
  server = undefined;
});

test("20 uploaders, 50 dashboard pollers, previews and thumbnails: no 5xx, no lost upload, every job finishes, server healthy", async () => {
  test.setTimeout(240_000);
  server = await startServer();
  const run = await runLoad(server, {
    durationS: 20,
    uploaders: 20,
    pollers: 50,
    filesPerUpload: 3,
    uploadPauseMs: 500,
    pollPauseMs: 250,
    sampleEveryMs: 1000,
    // Image work beside the queue's: previews of a 20000 px spec and thumbnails of fresh files.
    previewers: 2,
    thumbnailViewers: 5,
  });
  await test.info().attach("load-run.json", { body: JSON.stringify({ ...run, acks: run.acks.length }, null, 2), contentType: "application/json" });

  // Every request was a valid one: anything but 2xx/304 is a server fault under load.
  for (const [endpoint, stats] of Object.entries(run.endpoints)) {
    expect.soft({ endpoint, status_5xx: stats.status_5xx, status_4xx: stats.status_4xx, network_errors: stats.network_errors }).toEqual({ endpoint, status_5xx: 0, status_4xx: 0, network_errors: 0 });
  }
  expect(run.failures).toEqual([]);
  expect(run.endpoints["POST /api/batches"]?.count).toBe(run.acks.length);
  // No uploader was starved by the others or by the pollers: each got at least a quarter of the
  // average number of acknowledged uploads (they all run the same loop, so a fair server gives each
  // about the average).
  const perUploader = new Map<string, number>();
  for (const ack of run.acks) {
    const uploader = ack.files[0]!.name.split("_").slice(0, 2).join("_");
    perUploader.set(uploader, (perUploader.get(uploader) ?? 0) + 1);
  }
  expect(perUploader.size).toBe(20);
  const mean = run.acks.length / 20;
  expect(Math.min(...perUploader.values()), JSON.stringify(Object.fromEntries(perUploader))).toBeGreaterThanOrEqual(mean / 4);
  for (const endpoint of ["GET /api/batches", "GET /api/batches/stats", "GET /api/batches/:id", "GET /api/health", "POST /api/pipelines/preview", "GET /api/files/:id/thumbnail"]) {
    expect(run.endpoints[endpoint]?.count ?? 0, endpoint).toBeGreaterThan(0);
  }

  // After the load stops the queue drains, and every acknowledged upload is there byte for byte.
  expect(await waitForDrain(server, 150_000)).not.toBeNull();
  const verification = await verifyUploads(server, run.acks);
  expect(verification.problems).toEqual([]);
  expect(verification.lost_uploads).toBe(0);
  expect(verification.unfinished_jobs).toBe(0);
  const jobCount = Object.values(verification.jobs).reduce((a, b) => a + b, 0);
  expect(jobCount).toBe(verification.acked_files); // one job per file (default pipeline), nothing extra
  expect(Object.keys(verification.jobs).every((status) => ["completed", "failed", "cancelled"].includes(status))).toBe(true);

  const health = await server.fetch("/api/health");
  expect(health.status).toBe(200);
  expect(((await health.json()) as { status: string }).status).toBe("ok");
});
