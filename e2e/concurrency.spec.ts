import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import sharp from "sharp";
import { ADMIN_ENV, fetchAs, SERVER_ENTRY, signIn } from "./auth";
import { freePort } from "./ports";

/**
 * Concurrency as a runtime setting: the web server takes the admin's PATCH /api/settings and a
 * separate `npm run worker` process, which runs every job here (QUEUE_IN_SERVER=false), applies
 * it within a poll. `__slow__` files (BATCHYARD_TEST_FAULTS) keep each run busy for 3 s.
 */

interface Proc {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: string[];
}

let dataDir: string;
const procs: Proc[] = [];

function launch(args: readonly string[], env: Record<string, string>): Proc {
  const [command, ...rest] = args;
  const child = spawn(command!, rest, {
    env: { ...process.env, ...ADMIN_ENV, DATA_DIR: dataDir, NODE_ENV: "production", BATCHYARD_TEST_FAULTS: "true", UPLOAD_RATE_LIMIT: "off", POLL_MS: "200", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const proc: Proc = { child, output: [], exited: new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal }))) };
  child.stdout!.on("data", (chunk: Buffer) => proc.output.push(chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => proc.output.push(chunk.toString()));
  procs.push(proc);
  return proc;
}

/** The JSON log lines a process wrote, parsed. */
const logLines = (proc: Proc) =>
  proc.output
    .join("")
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

test.beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-e2e-concurrency-"));
});

test.afterEach(async () => {
  for (const proc of procs.splice(0)) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill("SIGKILL");
    await proc.exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("an admin's change reaches a separate worker process within a poll; lowering it stops no running job", async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  launch(SERVER_ENTRY, { HOST: "127.0.0.1", PORT: String(port), QUEUE_IN_SERVER: "false", QUEUE_CONCURRENCY: "1", LOG_LEVEL: "warn" });
  await expect.poll(async () => (await fetch(`${url}/api/health`).catch(() => undefined))?.status, { timeout: 60_000 }).toBe(200);
  const cookie = await signIn(url);
  const call = (route: string, init?: RequestInit) => fetchAs(cookie, `${url}${route}`, init);
  const patch = (body: unknown, headers: Record<string, string> = {}) =>
    call("/api/settings", { method: "PATCH", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  // A different QUEUE_CONCURRENCY in the worker's environment: the stored setting wins.
  const worker = launch([process.execPath, "--import", "tsx", "features/worker-start.ts"], { QUEUE_CONCURRENCY: "5", LOG_LEVEL: "info" });
  await expect.poll(async () => (await (await call("/api/health")).json()).queue.workers_alive, { timeout: 30_000 }).toBe(1);
  expect(await (await call("/api/settings")).json()).toMatchObject({ queue_concurrency: 1 });

  const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#8d5a97" } }).png().toBuffer();
  const form = new FormData();
  for (let i = 1; i <= 6; i++) form.append("files", new Blob([new Uint8Array(png)], { type: "image/png" }), `PL_DXB_${i}__slow__.png`);
  const created = await call("/api/batches", { method: "POST", body: form });
  expect(created.status).toBe(201);
  const batchId = ((await created.json()) as { id: string }).id;
  const running = async () => ((await (await call(`/api/batches/${batchId}`)).json()) as { running_jobs: number }).running_jobs;
  await expect.poll(running).toBe(1);

  const raised = await patch({ queue_concurrency: 3 });
  expect(raised.status).toBe(200);
  expect(await raised.json()).toMatchObject({ queue_concurrency: 3 });
  await expect.poll(running, { timeout: 10_000 }).toBe(3);
  expect(logLines(worker).find((l) => l.msg === "queue concurrency changed")).toMatchObject({ from: 1, to: 3 });

  expect((await patch({ queue_concurrency: 1 })).status).toBe(200);
  await expect.poll(() => logLines(worker).some((l) => l.msg === "queue concurrency changed" && l.to === 1)).toBe(true);
  expect(await running()).toBeGreaterThan(1); // the runs in flight go on
  await expect.poll(async () => ((await (await call(`/api/batches/${batchId}`)).json()) as { status: string }).status, { timeout: 40_000 }).toBe("completed");
  const detail = (await (await call(`/api/batches/${batchId}`)).json()) as { jobs: { id: string }[] };
  for (const job of detail.jobs) {
    const history = ((await (await call(`/api/jobs/${job.id}`)).json()) as { history: { outcome: string | null }[] }).history;
    expect(history.map((h) => h.outcome)).toEqual(["completed"]); // nothing was aborted or retried
  }
});

test("only an admin may change it, and only to 1-64", async ({ request }) => {
  const token = await request.post("/api/tokens", { data: { name: "settings reader", scope: "read" } });
  expect(token.status()).toBe(201);
  const bearer = { authorization: `Bearer ${((await token.json()) as { token: string }).token}` };
  const read = await request.get("/api/settings", { headers: bearer });
  expect(read.status()).toBe(200);
  const refused = await request.patch("/api/settings", { headers: bearer, data: { queue_concurrency: 2 } });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.code).toBe("forbidden");
  for (const bad of [{ queue_concurrency: 0 }, { queue_concurrency: 65 }, { queue_concurrency: 2.5 }, {}]) {
    const response = await request.patch("/api/settings", { data: bad });
    expect(response.status(), JSON.stringify(bad)).toBe(400);
  }
});

test("the System page shows the setting and an admin changes it there", async ({ page, request }) => {
  const before = ((await (await request.get("/api/settings")).json()) as { queue_concurrency: number }).queue_concurrency;
  try {
    await page.goto("/system");
    const field = page.getByLabel("Jobs at once");
    await expect(field).toHaveValue(String(before));
    await field.fill("0");
    await expect(page.getByText("Enter a whole number from 1 to 64.")).toBeVisible();
    await field.fill("4");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByTestId("concurrency-result")).toHaveText("Saved: up to 4 jobs at once.");
    expect(await (await request.get("/api/settings")).json()).toMatchObject({ queue_concurrency: 4 });
  } finally {
    await request.patch("/api/settings", { data: { queue_concurrency: before } });
  }
});
