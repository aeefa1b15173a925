/**
 * `npx tsx bench/receiving.ts [photo folder]` — what processing during the upload saves on a LAN
 * link. The same folder of real photos is uploaded through a 100 Mbit/s link (the client paces its
 * body to 12.5 MB/s, in a process of its own) two ways, alternating for BENCH_ROUNDS rounds:
 * - `whole`: the fields after the files, as seed-era clients send them; the batch starts once the
 *   last byte is in (how every upload worked before);
 * - `as_it_arrives`: fields and file_count first, as the upload page sends them; each file is
 *   processed as soon as it is stored.
 * Reported per way (medians): the upload time, and the time from the last byte sent to the batch
 * completed, beside what one file takes to process (the goal: about the last file or two, not the
 * whole batch). Prints one JSON object.
 * Env: NEXT_DIST_DIR (the build to serve), BENCH_MAX_FILES (50 photos of the folder), BENCH_REPEAT
 * (3: the folder sent three times over in one upload), BENCH_ROUNDS (3), BENCH_MBIT (100).
 */
import fs from "node:fs";
import os from "node:os";
import { createPipeline, startServer, throughApp } from "./app-run";
import { benchPhotos, median } from "./photos";

const SPEC = { format: "webp", width: 1600, height: 1600, fit: "inside", without_enlargement: true, quality: 80 } as const;

async function main(): Promise<void> {
  // The folder sent BENCH_REPEAT times in one upload (gnome-backgrounds has 14 photos, 31 MB).
  const folder = benchPhotos().files;
  const files = Array.from({ length: Number(process.env.BENCH_REPEAT ?? 3) }, () => folder).flat();
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const mbit = Number(process.env.BENCH_MBIT ?? 100);
  const bytesPerSecond = (mbit * 1e6) / 8;
  const server = await startServer("on");
  const ways = { whole: { fieldsFirst: false }, as_it_arrives: { fieldsFirst: true } } as const;
  const samples = Object.fromEntries(Object.keys(ways).map((k) => [k, { upload: [] as number[], afterLastByte: [] as number[], total: [] as number[] }]));
  let unpacedMs = 0;
  try {
    const pipelineId = await createPipeline(server.base, server.auth, SPEC);
    // Warm-up, unpaced: the processing time of the whole folder with the upload out of the way.
    await throughApp(server.base, server.auth, pipelineId, files, { fieldsFirst: false });
    unpacedMs = (await throughApp(server.base, server.auth, pipelineId, files, { fieldsFirst: false })).afterLastByteMs;
    for (let round = 0; round < rounds; round++) {
      for (const [name, way] of Object.entries(ways)) {
        const run = await throughApp(server.base, server.auth, pipelineId, files, { ...way, bytesPerSecond });
        if (run.status !== "completed" || run.failed > 0) throw new Error(`${name}: the batch ended ${run.status} with ${run.failed} failed`);
        samples[name]!.upload.push(run.uploadMs);
        samples[name]!.afterLastByte.push(run.afterLastByteMs);
        samples[name]!.total.push(run.ms);
      }
    }
  } finally {
    server.child.kill("SIGTERM");
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
  const report = (name: string) => ({
    upload_s: Math.round(median(samples[name]!.upload) / 100) / 10,
    last_byte_to_completed_s: Math.round(median(samples[name]!.afterLastByte) / 100) / 10,
    first_byte_to_completed_s: Math.round(median(samples[name]!.total) / 100) / 10,
    last_byte_to_completed_runs_ms: samples[name]!.afterLastByte.map(Math.round),
  });
  console.log(
    JSON.stringify({
      bench: "receiving",
      files: files.length,
      input_mb: Math.round((files.reduce((n, f) => n + fs.statSync(f).size, 0) / 1048576) * 10) / 10,
      link_mbit: mbit,
      rounds,
      spec: SPEC,
      processing_whole_folder_s: Math.round(unpacedMs / 100) / 10,
      // Three run at a time, so one file takes about three times the folder's time per file.
      one_file_s: Math.round((unpacedMs * 3) / files.length / 100) / 10,
      load_avg: Math.round(os.loadavg()[0]! * 100) / 100,
      whole: report("whole"),
      as_it_arrives: report("as_it_arrives"),
    }),
  );
}

void main();
