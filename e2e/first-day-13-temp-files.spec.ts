import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import config from "../playwright.config";
import { ADMIN_ENV } from "./auth";
import { freePort } from "./ports";

/**
 * `npm test` left 0.4–0.6 GB in /tmp on every run: the e2e server's DATA_DIR was never removed.
 * Playwright stops that server with SIGTERM, and e2e/serve.mjs removes the folder when it ends.
 */

test("the suite's server is stopped with a signal its launcher can clean up after", () => {
  const webServer = Array.isArray(config.webServer) ? config.webServer[0] : config.webServer;
  expect(webServer?.command).toBe("node e2e/serve.mjs");
  expect(webServer?.gracefulShutdown?.signal).toBe("SIGTERM");
});

test("e2e/serve.mjs removes its DATA_DIR when stopped, after real work was written to it", async ({ request }) => {
  test.setTimeout(120_000);
  const dataDir = path.join(os.tmpdir(), `batchyard-e2e-serve-check-${process.pid}`);
  const port = await freePort();
  const child = spawn(process.execPath, ["e2e/serve.mjs"], {
    env: { ...process.env, ...ADMIN_ENV, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: "warn", NODE_ENV: "production" },
    stdio: "ignore",
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  try {
    await expect.poll(async () => (await request.get(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.status() ?? 0, { timeout: 90_000 }).toBe(200);
    expect(fs.existsSync(path.join(dataDir, "db.sqlite"))).toBe(true);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(fs.existsSync(dataDir)).toBe(false);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
