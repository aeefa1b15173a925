/**
 * Restart time with a current build: how long `npm start` takes from being spawned until
 * /api/health answers 200, as a supervisor restarting the service after a crash or a config change
 * would see it. The build check of its prestart (scripts/build.ts: hashing the sources) is part of
 * it and also timed alone. The build is made current first (not timed). Each round stops the
 * server with SIGTERM and starts it again on the same DATA_DIR. Prints one JSON object.
 *
 *   npx tsx bench/restart.ts [rounds=5]
 * Env: NEXT_DIST_DIR (the build folder, as for `npm start`).
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { buildIsCurrent, distDir } from "../scripts/build";
import { ADMIN_ENV } from "../e2e/auth";
import { freePort } from "../e2e/ports";

const ROUNDS = Number(process.argv[2] ?? 5);
const BUDGET_MS = 10_000;

async function healthy(url: string, child: { exitCode: number | null }): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode} before serving`);
    if (await fetch(url).then((r) => r.status === 200, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One restart: spawn `npm start`, time until health answers, then SIGTERM and wait for exit 0. */
async function restart(dataDir: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn("npm", ["start"], {
    env: { ...process.env, ...ADMIN_ENV, DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: String(port), NODE_ENV: "production", LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  await healthy(`http://127.0.0.1:${port}/api/health`, child);
  const ms = performance.now() - started;
  child.kill("SIGTERM");
  const code = await exited;
  if (code !== 0) throw new Error(`npm start exited with ${code} after SIGTERM`);
  return ms;
}

function timeBuildCheck(): number {
  const started = performance.now();
  const check = spawnSync("npx", ["tsx", "scripts/build.ts"], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (check.status !== 0) throw new Error(`build check failed: ${check.stderr}`);
  return performance.now() - started;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const root = process.cwd();
  // Not timed: a first build (or a rebuild after source changes) so every round finds it current.
  if (!buildIsCurrent(root, distDir(root))) {
    const build = spawnSync("npx", ["tsx", "scripts/build.ts"], { stdio: ["ignore", "ignore", "inherit"] });
    if (build.status !== 0) throw new Error("build failed");
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-restart-"));
  const samples: number[] = [];
  const checks: number[] = [];
  try {
    await restart(dataDir); // first start: migrations, default pipelines, the admin; not counted
    for (let round = 0; round < ROUNDS; round++) {
      checks.push(timeBuildCheck());
      samples.push(await restart(dataDir));
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const restartMs = Math.round(median(samples));
  console.log(
    JSON.stringify({
      bench: "restart",
      rounds: ROUNDS,
      restart_to_healthy_ms: restartMs,
      runs_ms: samples.map(Math.round),
      build_check_ms: Math.round(median(checks)),
      build_check_runs_ms: checks.map(Math.round),
      still_current_after: buildIsCurrent(root, distDir(root)),
      budget_ms: BUDGET_MS,
      pass: restartMs < BUDGET_MS,
      load_avg_1m: Math.round(os.loadavg()[0]! * 10) / 10,
      cpus: os.availableParallelism(),
    }),
  );
}

main().catch((error: unknown) => {
  console.log(JSON.stringify({ bench: "restart", error: error instanceof Error ? error.message : String(error) }));
  process.exitCode = 1;
});
