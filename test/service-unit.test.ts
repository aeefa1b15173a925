import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "@/features/shared/config";

/**
 * docs/batchyard.service: systemd's own check where systemd-analyze exists, and always the
 * settings a graceful stop and a safe default depend on, read from the file.
 */
const UNIT = path.join(process.cwd(), "docs", "batchyard.service");
const text = fs.readFileSync(UNIT, "utf8");

/** `[Section]` -> key -> values (a key may repeat, e.g. Environment). */
function parseUnit(source: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of source.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      sections.set(header[1]!, (current = new Map()));
      continue;
    }
    const eq = line.indexOf("=");
    if (!current || eq <= 0) throw new Error(`not a unit file line: ${raw}`);
    const key = line.slice(0, eq);
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
  }
  return sections;
}

/** systemd time spans as the unit uses them: `45`, `45s`, `2min`, `15min`. */
function seconds(span: string): number {
  const match = /^(\d+)\s*(s|sec|min|m)?$/.exec(span);
  if (!match) throw new Error(`unexpected time span ${span}`);
  return Number(match[1]) * (match[2] === "min" || match[2] === "m" ? 60 : 1);
}

const hasSystemdAnalyze = spawnSync("systemd-analyze", ["--version"]).status === 0;

describe("the systemd unit", () => {
  const unit = parseUnit(text);
  const service = unit.get("Service")!;
  const one = (key: string) => service.get(key)?.at(-1);

  it("has the three sections and starts node itself, never through npm", () => {
    expect([...unit.keys()]).toEqual(["Unit", "Service", "Install"]);
    expect(one("ExecStart")).toBe("/usr/bin/node -r ./features/threadpool.cjs --import tsx features/web-server.ts");
    // The same command as `npm start`, so the service and a terminal run the server alike.
    const pkg = JSON.parse(fs.readFileSync(path.join(process.cwd(), "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.start!.replace(/^exec node /, "/usr/bin/node ")).toBe(one("ExecStart"));
    expect(service.get("ExecStartPre")).toEqual(["/usr/bin/node --import tsx scripts/build.ts"]);
    expect(unit.get("Install")!.get("WantedBy")).toEqual(["multi-user.target"]);
  });

  it("stops gracefully: SIGTERM, a stop timeout above the grace period, restarts on failure", () => {
    expect(one("KillSignal")).toBe("SIGTERM");
    expect(one("Restart")).toBe("on-failure");
    const grace = parseConfig({}).SHUTDOWN_GRACE_S;
    expect(seconds(one("TimeoutStopSec")!)).toBeGreaterThan(grace + 10);
  });

  it("keeps files private and hardens without what would break Node.js and sharp", () => {
    expect(one("UMask")).toBe("0077");
    expect(one("NoNewPrivileges")).toBe("yes");
    expect(one("ProtectSystem")).toBe("strict");
    expect(service.has("MemoryDenyWriteExecute")).toBe(false); // V8's JIT writes code pages
    expect(service.has("ProtectProc")).toBe(false); // the throttle reads /proc
    expect(service.get("Environment")).toContain("DATA_DIR=/var/lib/batchyard");
    expect(one("StateDirectory")).toBe("batchyard");
  });

  it.runIf(hasSystemdAnalyze)("passes systemd-analyze verify without a warning", () => {
    // The copy points at the node running this test, so a machine without /usr/bin/node can check it too.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-unit-"));
    try {
      const copy = path.join(dir, "batchyard.service");
      fs.writeFileSync(copy, text.replaceAll("/usr/bin/node", process.execPath));
      const result = spawnSync("systemd-analyze", ["verify", copy], { encoding: "utf8" });
      expect({ status: result.status, output: `${result.stdout}${result.stderr}`.trim() }).toEqual({ status: 0, output: "" });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
