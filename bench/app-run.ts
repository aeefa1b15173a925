/**
 * A running Batchyard as the image benchmarks drive it (bench/pipeline.ts, bench/receiving.ts): a
 * server from the build in NEXT_DIST_DIR on a temp DATA_DIR, a pipeline, and uploads sent by a
 * client in its own process, timed from the first byte sent to the batch's completed_at.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PostOptions, PostResult } from "./multipart";
import { ADMIN_ENV, SERVER_ENTRY, signIn } from "../e2e/auth";
import { freePort } from "../e2e/ports";

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server at ${url} did not come up`);
}

/** Headers that sign every request in: a session cookie or `Authorization: Bearer`. */
export type Auth = Record<string, string>;

/** `THROTTLE` is the server's host throttle setting. */
export async function startServer(THROTTLE: string): Promise<{ base: string; child: ChildProcess; dataDir: string; auth: Auth }> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-pipeline-"));
  const [command, ...args] = SERVER_ENTRY;
  const child = spawn(command, args, {
    env: { ...process.env, ...ADMIN_ENV, DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "warn", UPLOAD_RATE_LIMIT: "off", MAX_FILE_SIZE_MB: "200", NODE_ENV: "production", THROTTLE: THROTTLE },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${base}/api/health`, 60_000);
    return { base, child, dataDir, auth: { cookie: await signIn(base) } };
  } catch (error) {
    child.kill("SIGTERM");
    throw error;
  }
}

export async function createPipeline(base: string, auth: Auth, spec: Record<string, unknown>): Promise<string> {
  const created = await fetch(`${base}/api/pipelines`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ name: `Bench ${spec.format} ${spec.width} ${Date.now()}`, ...spec }),
  });
  if (created.status !== 201) throw new Error(`creating the pipeline answered ${created.status}: ${await created.text()}`);
  return ((await created.json()) as { id: string }).id;
}

/** The upload, from a client process of its own (bench/upload-client.ts). */
export async function uploadFromClient(base: string, auth: Auth, files: string[], fields: Record<string, string>, options: PostOptions = {}): Promise<PostResult> {
  const input = JSON.stringify({ base, files, fields, headers: auth, options });
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", path.join("bench", "upload-client.ts"), input], { maxBuffer: 64 * 1024 * 1024 });
  const result = JSON.parse(stdout.trim().split("\n").at(-1)!) as PostResult & { error?: string };
  if (result.error) throw new Error(`upload client: ${result.error}`);
  return result;
}

/**
 * Upload -> every job terminal, from the first byte the client sent to the batch's own
 * completed_at (the server's clock, the same machine's), so neither the poll interval nor the
 * polls' own cost blur it. Polls health meanwhile to see whether the throttle ever engaged.
 */
export async function throughApp(
  base: string,
  auth: Auth,
  pipelineId: string,
  files: string[],
  options: PostOptions = {},
): Promise<{ ms: number; uploadMs: number; afterLastByteMs: number; status: string; failed: number; throttled: boolean }> {
  const res = await uploadFromClient(base, auth, files, { pipeline_id: pipelineId, customer_prefix: "BENCH" }, options);
  if (res.status !== 201) throw new Error(`POST /api/batches answered ${res.status}: ${res.body.slice(0, 300)}`);
  const batch = JSON.parse(res.body) as { id: string };
  let throttled = false;
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const health = (await (await fetch(`${base}/api/health`, { headers: auth })).json()) as { queue?: { throttled?: unknown } };
    throttled ||= Boolean(health.queue?.throttled);
    const detail = (await (await fetch(`${base}/api/batches/${batch.id}`, { headers: auth })).json()) as { status: string; failed_jobs: number; completed_at: string | null };
    if (["completed", "failed", "cancelled"].includes(detail.status) && detail.completed_at) {
      const completedAt = Date.parse(detail.completed_at);
      return { ms: completedAt - res.firstByteAt, uploadMs: res.lastByteAt - res.firstByteAt, afterLastByteMs: completedAt - res.lastByteAt, status: detail.status, failed: detail.failed_jobs, throttled };
    }
  }
}

