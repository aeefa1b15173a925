import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import sharp from "sharp";
import { ADMIN_ENV, fetchAs, SERVER_ENTRY, signIn } from "./auth";
import { freePort } from "./ports";

/**
 * The queue inside a real server (`npm start`'s entry), sent real signals. Each test runs its own server (its own
 * port and DATA_DIR, the same build) because it stops or kills it; the fault hook
 * (BATCHYARD_TEST_FAULTS) makes a `__slow__` file keep its run busy for a few seconds.
 */

interface Server {
  url: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The admin's session cookie: every request below is signed in. */
  cookie: string;
}

async function startServer(dataDir: string, env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const [command, ...args] = SERVER_ENTRY;
  const child = spawn(command, args, {
    env: { ...process.env, ...ADMIN_ENV, HOST: "127.0.0.1", PORT: String(port), DATA_DIR: dataDir, BATCHYARD_TEST_FAULTS: "true", UPLOAD_RATE_LIMIT: "off", LOG_LEVEL: "warn", NODE_ENV: "production", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  await expect
    .poll(async () => (await fetch(`${url}/api/health`).catch(() => undefined))?.status, { timeout: 60_000 })
    .toBe(200);
  return { url, child, exited, cookie: await signIn(url) };
}

async function upload(server: Server, names: string[]): Promise<{ id: string; jobs: { id: string }[] }> {
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#2a6f97" } }).png().toBuffer();
  const form = new FormData();
  for (const name of names) form.append("files", new Blob([new Uint8Array(png)], { type: "image/png" }), name);
  const response = await fetchAs(server.cookie, `${server.url}/api/batches`, { method: "POST", body: form });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; jobs: { id: string }[] };
}

const getJson = async <T>(server: Server, route: string) => (await (await fetchAs(server.cookie, `${server.url}${route}`)).json()) as T;
const jobOf = (server: Server, id: string) =>
  getJson<{ status: string; attempts: number; history: { outcome: string | null }[] }>(server, `/api/jobs/${id}`);

let dataDir: string;
const servers: Server[] = [];

test.beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-e2e-queue-"));
});

test.afterEach(async () => {
  for (const server of servers.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
    await server.exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("SIGTERM: the server finishes the job in flight before it exits", async () => {
  const server = await startServer(dataDir, { SHUTDOWN_GRACE_S: "20" });
  servers.push(server);
  const batch = await upload(server, ["PL_DXB_front__slow__.png"]);
  const jobId = batch.jobs[0]!.id;
  await expect.poll(async () => (await jobOf(server, jobId)).status).toBe("processing");

  server.child.kill("SIGTERM");
  expect(await server.exited).toEqual({ code: 0, signal: null });

  const again = await startServer(dataDir);
  servers.push(again);
  const job = await jobOf(again, jobId);
  expect(job.status).toBe("completed");
  expect(job.history.map((h) => h.outcome)).toEqual(["completed"]);
});

test("SIGKILL mid-job: the restarted server gives the job back as interrupted and completes it once", async () => {
  const server = await startServer(dataDir);
  servers.push(server);
  const batch = await upload(server, ["PL_DXB_side__slow__.png", "PL_DXB_back.png"]);
  await expect.poll(async () => (await getJson<{ running_jobs: number }>(server, `/api/batches/${batch.id}`)).running_jobs).toBeGreaterThan(0);
  const running = (await getJson<{ jobs: { id: string; status: string }[] }>(server, `/api/batches/${batch.id}`)).jobs.filter(
    (j) => j.status === "processing",
  );
  expect(running.length).toBeGreaterThan(0);

  server.child.kill("SIGKILL");
  expect(await server.exited).toEqual({ code: null, signal: "SIGKILL" });

  const again = await startServer(dataDir);
  servers.push(again);
  await expect.poll(async () => (await getJson<{ status: string }>(again, `/api/batches/${batch.id}`)).status, { timeout: 30_000 }).toBe("completed");
  for (const { id } of running) {
    const job = await jobOf(again, id);
    expect(job.history.map((h) => h.outcome)).toEqual(["interrupted", "completed"]);
    expect(job.attempts).toBe(1); // the interrupted run is not counted against retries
  }
});
