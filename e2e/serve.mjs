// Starts the app for the Playwright suite on a fresh DATA_DIR, bound to 127.0.0.1.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const dataDir = process.env.DATA_DIR;
if (!dataDir) throw new Error("e2e/serve.mjs needs DATA_DIR");
fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(dataDir, { recursive: true });

// The same entry as `npm start` (features/web-server.ts), bound to loopback.
const child = spawn(process.execPath, ["--import", "tsx", path.join(process.cwd(), "features", "web-server.ts")], {
  stdio: "inherit",
  env: { ...process.env, HOST: "127.0.0.1", PORT: process.env.PORT ?? "3210" },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
