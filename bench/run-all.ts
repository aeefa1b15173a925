/**
 * `npm run bench`: builds once, runs every benchmark in bench/ one after another (never two at a time,
 * so they do not steal each other's cores) and prints one JSON object {machine, results: {name: json}}.
 * Each script prints its own JSON object as its last line; a script that fails is recorded with its
 * exit code and the tail of its output, and the run goes on. `npm run bench -- queue list` runs some.
 * Env: NEXT_DIST_DIR (default .next-bench) is passed to the scripts that start a server of the build.
 */
import { spawnSync } from "node:child_process";
import os from "node:os";

/** Name -> arguments after `tsx bench/<name>.ts`; the soak (10 min) runs only when asked by name. */
const BENCHES: Record<string, string[]> = {
  queue: [],
  "queue-vs-plainjob": [],
  auth: [],
  list: [],
  history: [],
  upload: [],
  zip: [],
  pipeline: [],
  marketplace: [],
  bulk: [],
  live: [],
  receiving: [],
  restart: [],
  load: [],
};
const ON_REQUEST: Record<string, string[]> = { soak: ["--soak"] };

const asked = process.argv.slice(2);
const names = asked.length > 0 ? asked : Object.keys(BENCHES);
const unknown = names.filter((name) => !(name in BENCHES) && !(name in ON_REQUEST));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(", ")} (known: ${[...Object.keys(BENCHES), ...Object.keys(ON_REQUEST)].join(", ")})`);
  process.exit(1);
}

const env = { ...process.env, NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next-bench" };
const build = spawnSync("npx", ["tsx", "scripts/build.ts", "--force"], { env, stdio: ["ignore", "ignore", "inherit"] });
if (build.status !== 0) {
  console.error("next build failed");
  process.exit(1);
}

const results: Record<string, unknown> = {};
for (const name of names) {
  const script = name === "soak" ? "load" : name;
  const args = BENCHES[name] ?? ON_REQUEST[name] ?? [];
  console.error(`bench ${name}…`);
  const run = spawnSync("npx", ["tsx", `bench/${script}.ts`, ...args], { env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  results[name] = lastJson(run.stdout) ?? { error: `exit ${run.status}`, output: (run.stdout + run.stderr).slice(-2000) };
}

console.log(
  JSON.stringify({
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memory_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    results,
  }),
);

/** The last line of the output that parses as a JSON object. */
function lastJson(output: string): unknown {
  const lines = output.trim().split("\n").reverse();
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    try {
      return JSON.parse(line);
    } catch {
      continue;
    }
  }
  return undefined;
}
