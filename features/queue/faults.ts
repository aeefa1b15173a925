import type { AppContext } from "@/features/shared/context";
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
