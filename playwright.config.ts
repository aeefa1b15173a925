import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { assertChromium, CHROMIUM_ARGS, CHROMIUM_PATH } from "./e2e/chromium";
import { ADMIN_ENV, storageStatePath } from "./e2e/auth";
import { freePortSync } from "./e2e/ports";

assertChromium();

// Fixed per run so that the runner and its workers (which inherit the environment) agree.
process.env.E2E_PORT ??= String(freePortSync());
process.env.E2E_DATA_DIR ??= path.join(os.tmpdir(), `batchyard-e2e-${process.pid}`);
// Servers the suites start inherit this: a busy test machine must not pause their queues
// (e2e/throttle.spec.ts turns the throttle on with a host reading of its own).
process.env.THROTTLE ??= "off";
const port = Number(process.env.E2E_PORT);
export const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "./e2e",
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"], ["json", { outputFile: "reports/playwright.json" }]],
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL,
    storageState: storageStatePath(),
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } } }],
  webServer: {
    command: "node e2e/serve.mjs",
    url: `${baseURL}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    // SIGTERM rather than SIGKILL, so e2e/serve.mjs can remove the run's DATA_DIR when it stops.
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: String(port),
      DATA_DIR: process.env.E2E_DATA_DIR,
      LOG_LEVEL: "warn",
      UPLOAD_RATE_LIMIT: "1000/hour",
      RETRY_BASE_MS: "200",
      // Specs seed idle batches up to a year old into this shared server: the scheduled retention run
      // (60 s after start, RETENTION_DAYS 7 by default) would delete them under a running spec.
      // Retention itself is covered by its own tests, which name days_old.
      RETENTION_DAYS: "36500",
      NODE_ENV: "production",
      ...ADMIN_ENV,
    },
  },
});
