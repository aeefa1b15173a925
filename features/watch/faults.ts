import type { AppContext } from "@/features/shared/context";
import type { IngestHooks } from "./ingest";

/**
 * Test-only, with BATCHYARD_TEST_FAULTS=true (production never sets it): a file whose name holds
 * `__crash_ingest__` SIGKILLs the server right after its batch committed and before its files moved
 * to `.done/`, the worst moment for a crash. Only on a fresh ingest: the restart finishes it.
 */
export function watchTestHooks(ctx: AppContext): IngestHooks {
  if (!ctx.config.BATCHYARD_TEST_FAULTS) return {};
  return {
    afterCommit: ({ fresh, names, batchId }) => {
      if (!fresh || !names.some((name) => name.includes("__crash_ingest__"))) return;
      ctx.log.warn({ batchId }, "test fault: killing this process mid-ingest");
      process.kill(process.pid, "SIGKILL");
      return new Promise<void>(() => undefined); // SIGKILL cannot be caught; never continue
    },
  };
}
