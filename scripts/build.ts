/**
 * Builds the app only when it has to. `npm start` runs this first (prestart): with a build of the
 * current sources in place it returns in well under a second, so a restart serves in seconds
 * instead of rebuilding for minutes. "Current" is a content hash of everything the build reads,
 * stored in the build folder after a successful build: timestamps would rebuild after a fresh
 * checkout or a copy and miss a file restored to older contents. `--force` (`npm run build`)
 * always builds. NEXT_DIST_DIR picks the build folder, as in next.config.ts.
 *
 *   tsx scripts/build.ts [--force]
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** What `next build` reads: pages, the code they import, static files and the build's own configuration. */
export const BUILD_INPUTS = ["app", "features", "db", "public", "instrumentation.ts", "next.config.ts", "postcss.config.mjs", "tsconfig.json", "package.json", "package-lock.json"];

/** Beside BUILD_ID in the build folder: the source hash that build was made from. */
export const STAMP_FILE = "batchyard-source-hash";

/** Tests live beside the code but never reach the build. */
const IGNORED = /\.test\.tsx?$/;

/** SHA-256 over every input file's path and contents, in a fixed order. */
export function sourceHash(root: string): string {
  const hash = createHash("sha256");
  for (const file of inputFiles(root)) {
    hash.update(file).update("\0").update(fs.readFileSync(path.join(root, file))).update("\0");
  }
  return hash.digest("hex");
}

function inputFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (relative: string) => {
    const full = path.join(root, relative);
    const stat = fs.statSync(full, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isFile()) {
      if (!IGNORED.test(relative)) files.push(relative.split(path.sep).join("/"));
      return;
    }
    for (const name of fs.readdirSync(full).sort()) walk(path.join(relative, name));
  };
  for (const input of BUILD_INPUTS) walk(input);
  return files;
}

export function distDir(root: string, env: Record<string, string | undefined> = process.env): string {
  return path.resolve(root, env.NEXT_DIST_DIR || ".next");
}

/** A build exists (BUILD_ID) and was made from these exact sources. */
export function buildIsCurrent(root: string, dist: string): boolean {
  if (!fs.existsSync(path.join(dist, "BUILD_ID"))) return false;
  const stamp = fs.readFileSync(path.join(dist, STAMP_FILE), "utf8").trim();
  return stamp === sourceHash(root);
}

function isCurrent(root: string, dist: string): boolean {
  try {
    return buildIsCurrent(root, dist);
  } catch {
    return false; // no stamp: a build from before stamps, or one made by `next build` directly
  }
}

/** Runs `next build`; on success, stamps the folder with the hash of the sources as they are now. */
export function build(root: string, dist: string): number {
  const nextBin = createRequire(path.join(root, "package.json")).resolve("next/dist/bin/next");
  const result = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit", env: process.env });
  if (result.status !== 0) return result.status ?? 1;
  // Hashed after the build: `next build` may rewrite tsconfig.json itself.
  fs.writeFileSync(path.join(dist, STAMP_FILE), `${sourceHash(root)}\n`);
  return 0;
}

function main(): void {
  const root = process.cwd();
  const dist = distDir(root);
  const force = process.argv.includes("--force");
  if (!force && isCurrent(root, dist)) {
    console.error(`Build in ${path.relative(root, dist) || "."} is current; not rebuilding.`);
    return;
  }
  console.error(force ? "Building (forced)…" : "No build of the current sources; building…");
  process.exitCode = build(root, dist);
}

if (process.argv[1] && /scripts[\\/]build\.ts$/.test(process.argv[1])) main();
