import fs from "node:fs";
import type { AppContext } from "@/features/shared/context";
import type { HostSample, HostSampler } from "./host-sample";
import { statement } from "./sql";
import type { Processor } from "./types";

/** How long a `__slow__` file holds its run (abortably). */
export const SLOW_FAULT_MS = 3_000;

/**
 * Test-only fault injection, active only when BATCHYARD_TEST_FAULTS=true (production never sets
 * it). Keyed on the uploaded file's name so an e2e test can trigger it through a normal upload:
 * `__crash__` SIGKILLs this process mid-run (crash recovery), `__slow__` keeps the run busy for a
 * few seconds (cancel, shutdown and concurrency while work is in flight).
 */
export function withTestFaults(ctx: AppContext, processor: Processor): Processor {
  if (!ctx.config.BATCHYARD_TEST_FAULTS) return processor;
  return async (claimed, pctx) => {
    const file = statement(ctx.db.$client, `SELECT original_name AS name FROM files WHERE id = ?`).get(claimed.job.fileId) as
      | { name: string }
      | undefined;
    const name = file?.name ?? "";
    if (name.includes("__crash__")) {
      ctx.log.warn({ jobId: claimed.job.id }, "test fault: killing this process mid-run");
      process.kill(process.pid, "SIGKILL");
      await new Promise(() => undefined); // SIGKILL cannot be caught; never continue
    }
    if (name.includes("__slow__")) await delay(SLOW_FAULT_MS, pctx.signal);
    return processor(claimed, pctx);
  };
}

/**
 * Test-only host readings for the throttle, active when BATCHYARD_TEST_FAULTS=true and
 * BATCHYARD_TEST_HOST names a JSON file `{"cpu_other_pct": 95, "free_mb": 4096}`: each sample
 * reads the file again, so an e2e test makes the host "busy" or "idle" by rewriting it. No file
 * reads as an idle host. Counters advance as if the reading had held since the last sample.
 */
export function testHostSampler(ctx: AppContext): HostSampler | undefined {
  const file = ctx.config.BATCHYARD_TEST_HOST;
  if (!ctx.config.BATCHYARD_TEST_FAULTS || !file) return undefined;
  const totals: HostSample = { hostBusy: 0, hostTotal: 0, ownBusy: 0, availableBytes: 0 };
  return () => {
    const reading = readHostFile(file);
    totals.hostTotal += 1000;
    totals.hostBusy += reading.cpu_other_pct * 10;
    return { ...totals, availableBytes: reading.free_mb * 1024 * 1024 };
  };
}

function readHostFile(file: string): { cpu_other_pct: number; free_mb: number } {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<{ cpu_other_pct: number; free_mb: number }>;
    return { cpu_other_pct: parsed.cpu_other_pct ?? 0, free_mb: parsed.free_mb ?? 65_536 };
  } catch {
    return { cpu_other_pct: 0, free_mb: 65_536 };
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
