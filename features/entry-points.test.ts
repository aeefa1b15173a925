import { spawn, type ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "@/test/fixtures";

/**
 * The server's and the worker's start-up, in real processes (test/start-with-signal.ts), signalled
 * in the window between installing their handlers and starting the engine: the engine's start
 * commits crash recovery, and the process must still stop it cleanly and exit 0.
 */

let ctx: TestContext | undefined;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    process.kill(-child.pid!, "SIGKILL"); // the child's whole process group
    await exited(child);
  }
  ctx?.cleanup();
  ctx = undefined;
});

/** `node --import tsx` in its own process group; stdout (the JSON log) is collected. */
function start(entry: "server" | "worker"): ChildProcess & { output: string[] } {
  const child = spawn(process.execPath, ["--import", "tsx", "test/start-with-signal.ts", entry], {
    cwd: process.cwd(),
    env: { ...process.env, DATA_DIR: ctx!.paths.root, LOG_LEVEL: "info", SHUTDOWN_GRACE_S: "5" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  }) as ChildProcess & { output: string[] };
  child.output = [];
  child.stdout!.on("data", (chunk: Buffer) => child.output.push(chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => child.output.push(chunk.toString()));
  children.push(child);
  return child;
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

/** The log messages in the order they were written. */
const messages = (output: string[]) =>
  output
    .join("")
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => (JSON.parse(line) as { msg: string }).msg);

describe.each(["server", "worker"] as const)("the %s's start-up", (entry) => {
  it("stops the engine and exits 0 on a SIGTERM that arrives just before the engine starts", async () => {
    ctx = createTestContext();
    const child = start(entry);
    expect(await exited(child), child.output.join("")).toEqual({ code: 0, signal: null });

    const log = messages(child.output);
    // The engine started (recovery committed) and the signal that was already pending was then handled.
    expect(log.indexOf("queue engine started")).toBeGreaterThanOrEqual(0);
    expect(log.indexOf("stopping the queue before exit")).toBeGreaterThan(log.indexOf("queue engine started"));
    expect(log).toContain("queue engine stopped");
    const workers = ctx.db.$client.prepare("SELECT stopped_at IS NOT NULL AS stopped FROM workers").all();
    expect(workers).toEqual([{ stopped: 1 }]);
  });
});
