// `npm test`: typecheck, lint, unit/integration (vitest) and e2e (Playwright). Every step runs even if
// an earlier one failed, so one run reports everything. The last line sums every suite:
// `N passed, N failed[, N skipped]`; the exit code is non-zero if anything failed.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

fs.rmSync("reports", { recursive: true, force: true });
fs.mkdirSync("reports", { recursive: true });

// Every suite removes what it creates in the temp folder, also when it fails; on top of that the
// whole run gets a temp folder of its own (tools' caches, a suite killed half-way), removed at the
// end, so /tmp is left as it was found.
const runTmp = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-npm-test-"));

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

function run(name, command, args, env = {}) {
  console.log(`\n=== ${name}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, TMPDIR: runTmp, ...env } });
  return result.status === 0;
}

function count(name, passed, failed, skipped = 0) {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  lines.push(`${name}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

const only = process.argv.slice(2);
const wants = (step) => only.length === 0 || only.includes(step);

if (wants("typecheck")) {
  const ok = run("typecheck", "npx", ["tsc", "--noEmit"]);
  count("typecheck", ok ? 1 : 0, ok ? 0 : 1);
}

if (wants("lint")) {
  const ok = run("lint", "npx", ["eslint", "."]);
  count("lint", ok ? 1 : 0, ok ? 0 : 1);
}

if (wants("unit")) {
  const ok = run("unit", "npx", ["vitest", "run", "--reporter=default", "--reporter=json", "--outputFile=reports/vitest.json"]);
  const report = readJson("reports/vitest.json");
  if (report) {
    const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    // A suite that failed to load counts as a failure even with no test inside it.
    const brokenFiles = (report.testResults ?? []).filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
    // Vitest exiting non-zero with no failed test (an unhandled error, say) is still a failure.
    const unexplained = !ok && report.numFailedTests + brokenFiles === 0 ? 1 : 0;
    count("unit", report.numPassedTests, report.numFailedTests + brokenFiles + unexplained, skipped);
  } else count("unit", 0, 1);
}

if (wants("e2e")) {
  // `npm run build` stamps the build with its sources' hash, so `npm start` in a spec does not rebuild.
  const built = run("build", "npm", ["run", "build"]);
  if (!built) count("build", 0, 1);
  else {
    const ok = run("e2e", "npx", ["playwright", "test"]);
    const report = readJson("reports/playwright.json");
    if (report?.stats) {
      const { expected, unexpected, flaky, skipped } = report.stats;
      // A global error (web server that never started, a spec that fails to load) or a non-zero exit
      // without a failed test still fails the run.
      const unexplained = (!ok || (report.errors ?? []).length > 0) && unexpected === 0 ? 1 : 0;
      count("e2e", expected + flaky, unexpected + unexplained, skipped);
    } else count("e2e", 0, 1);
  }
}

// Tools' caches (tsx's, Playwright's transform cache) stay until here; anything else a suite left is named, then removed.
const TOOL_CACHES = /^(tsx-|playwright-transform-cache-)/;
const left = fs.readdirSync(runTmp).filter((name) => !TOOL_CACHES.test(name));
if (left.length > 0) console.log(`\nleft in the temp folder by a suite (removed now): ${left.join(", ")}`);
fs.rmSync(runTmp, { recursive: true, force: true });
console.log("\n" + lines.join("\n"));
const summary = `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`;
console.log(summary);
process.exit(totals.failed > 0 ? 1 : 0);
