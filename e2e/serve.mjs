// Starts the app for the Playwright suite on a fresh DATA_DIR, bound to 127.0.0.1, and removes that
// DATA_DIR when the server ends: Playwright stops it with SIGTERM (gracefulShutdown in
// playwright.config.ts), so a run leaves nothing behind in the temp folder, also when tests fail.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const dataDir = process.env.DATA_DIR;
if (!dataDir) throw new Error("e2e/serve.mjs needs DATA_DIR");
fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(dataDir, { recursive: true });

// The same entry as `npm start` (features/web-server.ts), bound to loopback.
const entry = ["-r", path.join(process.cwd(), "features", "threadpool.cjs"), "--import", "tsx", path.join(process.cwd(), "features", "web-server.ts")];
const child = spawn(process.execPath, entry, {
  stdio: "inherit",
  env: { ...process.env, HOST: "127.0.0.1", PORT: process.env.PORT ?? "3210" },
});

// The data is thrown away anyway: a stop does not wait for running jobs (the server's shutdown
// grace), it kills the server at once so the folder can go before Playwright's own timeout.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill("SIGKILL"));
child.on("exit", (code, signal) => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(code ?? (signal ? 0 : 1));
});
