import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import sharp from "sharp";
import { ADMIN_ENV, fetchAs, SERVER_ENTRY, signIn } from "./auth";
import { freePort } from "./ports";

/**
 * Resource-aware claiming in a real server (`npm start`'s entry) with the throttle on and an
 * injected host: the test-only hook BATCHYARD_TEST_HOST (features/queue/faults.ts) makes the
 * engine read `{cpu_other_pct, free_mb}` from a file instead of /proc, so the test makes the
 * host busy or idle by rewriting it. Sampling every 0.1 s over a 0.3 s window, polling every 0.1 s.
 */

interface Server {
  url: string;
  child: ChildProcess;
  exited: Promise<unknown>;
  cookie: string;
}

let dataDir: string;
let hostFile: string;
let server: Server | undefined;

const setHost = (reading: { cpu_other_pct: number; free_mb: number }) => fs.writeFileSync(hostFile, JSON.stringify(reading));
const IDLE = { cpu_other_pct: 3, free_mb: 8192 };

async function startServer(): Promise<Server> {
  const port = await freePort();
  const [command, ...args] = SERVER_ENTRY;
  const child = spawn(command, args, {
    env: {
      ...process.env,
      ...ADMIN_ENV,
      HOST: "127.0.0.1",
      PORT: String(port),
      DATA_DIR: dataDir,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      UPLOAD_RATE_LIMIT: "off",
      THROTTLE: "on",
      THROTTLE_SAMPLE_S: "0.1",
      THROTTLE_WINDOW_S: "0.3",
      POLL_MS: "100",
      BATCHYARD_TEST_FAULTS: "true",
      BATCHYARD_TEST_HOST: hostFile,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const url = `http://127.0.0.1:${port}`;
  await expect.poll(async () => (await fetch(`${url}/api/health`).catch(() => undefined))?.status, { timeout: 60_000 }).toBe(200);
  return { url, child, exited, cookie: await signIn(url) };
}

const api = async <T>(route: string) => (await (await fetchAs(server!.cookie, `${server!.url}${route}`)).json()) as T;
type Throttled = { reason: string; cpu_pct: number | null; free_mb: number; since: string } | null;
const throttled = async () => (await api<{ queue: { throttled: Throttled } }>("/api/health")).queue.throttled;
const batchStatus = async (id: string) => (await api<{ status: string; jobs: { status: string }[] }>(`/api/batches/${id}`)).jobs.map((j) => j.status);

async function upload(names: string[]): Promise<string> {
  const png = await sharp({ create: { width: 48, height: 32, channels: 3, background: "#3a7d44" } }).png().toBuffer();
  const form = new FormData();
  for (const name of names) form.append("files", new Blob([new Uint8Array(png)], { type: "image/png" }), name);
  const response = await fetchAs(server!.cookie, `${server!.url}/api/batches`, { method: "POST", body: form });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

test.beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-e2e-throttle-"));
  hostFile = path.join(dataDir, "host.json");
  setHost(IDLE);
});

test.afterEach(async () => {
  if (server && server.child.exitCode === null) server.child.kill("SIGKILL");
  await server?.exited;
  server = undefined;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("a busy host stops new claims, shows why, and the queue resumes when it frees", async ({ page, context }) => {
  server = await startServer();
  expect(await throttled()).toBeNull(); // an idle host never engages it

  setHost({ cpu_other_pct: 93, free_mb: 8192 });
  await expect.poll(throttled).toMatchObject({ reason: "cpu", cpu_pct: 93 });
  const batchId = await upload(["PL_DXB_front.png", "PL_DXB_back.png"]);
  // The upload wakes the engine at once, and it polls every 0.1 s: through several host samples
  // (each reading seen in health proves one more went by), nothing is claimed.
  for (const cpu of [94, 95, 96]) {
    setHost({ cpu_other_pct: cpu, free_mb: 8192 });
    await expect.poll(async () => (await throttled())?.cpu_pct).toBe(cpu);
    expect(await batchStatus(batchId)).toEqual(["pending", "pending"]);
  }
  setHost({ cpu_other_pct: 93, free_mb: 8192 });
  await expect.poll(async () => (await throttled())?.cpu_pct).toBe(93);

  const metrics = await (await fetchAs(server.cookie, `${server.url}/api/metrics`)).text();
  expect(metrics).toContain('batchyard_queue_throttled{reason="cpu"} 1');
  expect(metrics).toContain('batchyard_queue_throttled{reason="memory"} 0');
  const stats = await api<{ queue: { throttled: Throttled } }>("/api/batches/stats");
  expect(stats.queue.throttled).toMatchObject({ reason: "cpu", cpu_pct: 93 });

  // The banners, signed in to this server.
  await context.addCookies([{ name: server.cookie.split("=")[0]!, value: server.cookie.slice(server.cookie.indexOf("=") + 1), url: server.url }]);
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId("throttle-banner")).toContainText(/Waiting for resources: CPU 93 % \(other processes\) for \d+ (s|min)/);
  await page.goto(`${server.url}/system`);
  await expect(page.getByTestId("throttle-banner")).toContainText("Waiting for resources: CPU 93 % (other processes)");

  setHost(IDLE);
  await expect.poll(() => batchStatus(batchId), { timeout: 20_000 }).toEqual(["completed", "completed"]);
  expect(await throttled()).toBeNull();
  await expect(page.getByTestId("throttle-banner")).toHaveCount(0, { timeout: 15_000 });
});

test("short of memory: waits, reports free memory, and resumes above the floor", async () => {
  server = await startServer();
  setHost({ cpu_other_pct: 3, free_mb: 100 });
  await expect.poll(throttled).toMatchObject({ reason: "memory", free_mb: 100 });
  const batchId = await upload(["PL_DXB_side.png"]);
  expect(await batchStatus(batchId)).toEqual(["pending"]);
  setHost({ cpu_other_pct: 3, free_mb: 4096 });
  await expect.poll(() => batchStatus(batchId), { timeout: 20_000 }).toEqual(["completed"]);
  expect(await throttled()).toBeNull();
});
