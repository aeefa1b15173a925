/**
 * Memory of a JSON upload (`npx tsx bench/json-upload.ts`): an ~80 MB body (three files of 20 MB as
 * base64) read the way features/uploads/json-body.ts reads it (each file decoded and written as it
 * arrives) against reading the whole body, parsing it and decoding each string (the former way).
 * Each way runs in its own process; the body is generated as it is sent, so only the reader's
 * memory counts. Prints JSON; docs/benchmarks.md keeps the figures.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createTestContext } from "../test/fixtures";
import { readJsonUpload } from "../features/uploads/json-body";
import { UploadStaging } from "../features/uploads/staging";

const FILES = 3;
const FILE_MB = Number(process.env.BENCH_FILE_MB ?? 20);

/** The body as a stream of 1 MB pieces of JSON text, made as they are read. */
function bodyStream(): ReadableStream<Uint8Array> {
  const block = randomBytes(768 * 1024).toString("base64"); // 1 MB of base64 text
  const pieces: (() => string)[] = [() => '{"description":"bench","files":['];
  for (let f = 0; f < FILES; f++) {
    pieces.push(() => `${f ? "," : ""}{"file_name":"file${f}.png","file_data":"`);
    for (let i = 0; i < (FILE_MB * 4) / 3; i++) pieces.push(() => block);
    pieces.push(() => '"}');
  }
  pieces.push(() => "]}");
  let next = 0;
  return new ReadableStream({
    pull(controller) {
      if (next === pieces.length) return controller.close();
      controller.enqueue(new TextEncoder().encode(pieces[next++]!()));
    },
  });
}

const LIMITS = { maxFiles: 50, maxFileBytes: 50 * 1024 * 1024, maxFields: 100, maxFieldBytes: 16_384, maxBodyBytes: 200 * 1024 * 1024 };

async function readWhole(request: Request, tmp: string): Promise<void> {
  const text = Buffer.from(await request.arrayBuffer()).toString("utf8");
  const body = JSON.parse(text) as { files: { file_name: string; file_data: string }[] };
  for (const [i, file] of body.files.entries()) fs.writeFileSync(path.join(tmp, `${i}.part`), Buffer.from(file.file_data, "base64"), { flush: true });
}

async function child(mode: "streamed" | "whole"): Promise<void> {
  const ctx = createTestContext();
  const request = new Request("http://bench/api/batches", { method: "POST", body: bodyStream(), headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit);
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const started = performance.now();
  const staging = new UploadStaging(ctx.paths.tmp);
  // Both write each file and fsync it, as uploads do.
  if (mode === "streamed") await readJsonUpload(request, LIMITS, staging);
  else await readWhole(request, ctx.paths.tmp);
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  await staging.discard();
  ctx.cleanup();
  console.log(JSON.stringify({ mode, rss_growth_mb: Math.round((peak - base) / 1024 / 1024), seconds: Math.round(ms / 100) / 10 }));
}

const mode = process.argv[2];
if (mode === "streamed" || mode === "whole") void child(mode);
else {
  const runs = (["streamed", "whole"] as const).map((m) =>
    JSON.parse(execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", process.argv[1]!, m], { encoding: "utf8" }).trim().split("\n").at(-1)!),
  );
  console.log(JSON.stringify({ body_mb: Math.round(FILES * FILE_MB * (4 / 3)), files: FILES, runs }, null, 2));
}
