import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import sharp from "sharp";
import { ADMIN_ENV, fetchAs, SERVER_ENTRY, signIn } from "./auth";
import { freePort } from "./ports";

/**
 * `npm start` itself, as a supervisor or a terminal runs it (its prestart finds the build current
 * and skips it: the suite builds with `npm run build`), signalled the way they signal it: SIGTERM
 * to npm's pid, or SIGINT to the whole process group (Ctrl-C). The server must receive it, finish
 * the job in flight within SHUTDOWN_GRACE_S, keep the waiting one, and npm must exit 0.
 */

interface Running {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  url: string;
  cookie: string;
}

let dataDir: string;
const started: Running[] = [];

async function start(command: readonly string[], options: { detached?: boolean } = {}): Promise<Running> {
  const port = await freePort();
  const [bin, ...args] = command;
  const child = spawn(bin!, args, {
    env: { ...process.env, ...ADMIN_ENV, HOST: "127.0.0.1", PORT: String(port), DATA_DIR: dataDir, NODE_ENV: "production", LOG_LEVEL: "warn", BATCHYARD_TEST_FAULTS: "true", UPLOAD_RATE_LIMIT: "off", QUEUE_CONCURRENCY: "1", SHUTDOWN_GRACE_S: "20" },
    stdio: ["ignore", "ignore", "pipe"],
    detached: options.detached ?? false,
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  await expect.poll(async () => (await fetch(`${url}/api/health`).catch(() => undefined))?.status, { timeout: 120_000 }).toBe(200);
  const running = { child, exited, url, cookie: await signIn(url) };
  started.push(running);
  return running;
}

const get = async <T>(server: Running, route: string) => (await (await fetchAs(server.cookie, `${server.url}${route}`)).json()) as T;

async function uploadSlowAndWaiting(server: Running): Promise<{ slow: string; waiting: string }> {
  const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#b5651d" } }).png().toBuffer();
  const form = new FormData();
  form.append("files", new Blob([new Uint8Array(png)], { type: "image/png" }), "PL_DXB_front__slow__.png");
  form.append("files", new Blob([new Uint8Array(png)], { type: "image/png" }), "PL_DXB_back.png");
  const response = await fetchAs(server.cookie, `${server.url}/api/batches`, { method: "POST", body: form });
  expect(response.status).toBe(201);
  const batch = (await response.json()) as { id: string };
  // Concurrency 1, claimed in upload order: the slow file runs (3 s), the other waits behind it.
  const jobsNow = async () => (await get<{ jobs: { id: string; status: string }[] }>(server, `/api/batches/${batch.id}`)).jobs;
  await expect.poll(async () => (await jobsNow()).map((j) => j.status).sort()).toEqual(["pending", "processing"]);
  const jobs = await jobsNow();
  return { slow: jobs.find((j) => j.status === "processing")!.id, waiting: jobs.find((j) => j.status === "pending")!.id };
}

/** After a restart on the same data: both jobs completed, each exactly once. */
async function expectNothingLost(jobs: { slow: string; waiting: string }): Promise<void> {
  const again = await start(SERVER_ENTRY);
  const history = (id: string) => get<{ status: string; history: { outcome: string | null }[] }>(again, `/api/jobs/${id}`);
  await expect.poll(async () => (await history(jobs.waiting)).status, { timeout: 30_000 }).toBe("completed");
  expect((await history(jobs.slow)).history.map((h) => h.outcome)).toEqual(["completed"]); // finished within the grace
  expect((await history(jobs.waiting)).history.map((h) => h.outcome)).toEqual(["completed"]);
}

test.describe.configure({ timeout: 180_000 });

test.beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-e2e-service-"));
});

test.afterEach(async () => {
  for (const running of started.splice(0)) {
    if (running.child.exitCode === null && running.child.signalCode === null) {
      try {
        process.kill(-running.child.pid!, "SIGKILL");
      } catch {
        running.child.kill("SIGKILL");
      }
    }
    await running.exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("SIGTERM to `npm start` reaches the server: the job in flight finishes, npm exits 0, nothing is lost", async () => {
  const server = await start(["npm", "start"], { detached: true });
  const jobs = await uploadSlowAndWaiting(server);

  server.child.kill("SIGTERM"); // npm's own pid, as `systemctl stop` or `kill <pid>` would
  expect(await server.exited).toEqual({ code: 0, signal: null });
  // The server went with npm: nothing answers on its port any more, no orphan keeps running jobs.
  expect(await fetch(`${server.url}/api/health`).then(() => "answered", () => "gone")).toBe("gone");
  await expectNothingLost(jobs);
});

test("Ctrl-C (SIGINT to npm's process group) stops it as cleanly, though npm forwards the signal again", async () => {
  const server = await start(["npm", "start"], { detached: true });
  const jobs = await uploadSlowAndWaiting(server);

  process.kill(-server.child.pid!, "SIGINT"); // the terminal signals npm and the server at once
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(await fetch(`${server.url}/api/health`).then(() => "answered", () => "gone")).toBe("gone");
  await expectNothingLost(jobs);
});
