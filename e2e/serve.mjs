// Starts `next start` for the Playwright suite on a fresh DATA_DIR, bound to 127.0.0.1.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const dataDir = process.env.DATA_DIR;
if (!dataDir) throw new Error("e2e/serve.mjs needs DATA_DIR");
fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(dataDir, { recursive: true });

const nextBin = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");
const child = spawn(process.execPath, [nextBin, "start", "-H", "127.0.0.1", "-p", process.env.PORT ?? "3210"], {
  stdio: "inherit",
  env: process.env,
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
