import type { AppContext } from "@/features/shared/context";
import { installMetrics } from "./metrics";
import { runCleanup } from "./retention";

/** The first run waits a minute so start-up (recovery, first claims) is not competing with it. */
const FIRST_RUN_DELAY_MS = 60_000;

/**
 * Maintenance inside the server process: metrics start listening to domain events, and retention
 * cleanup runs every CLEANUP_INTERVAL_S (hourly by default). Timers are unref'd so they never keep
 * a stopping process alive. Returns the stop function for shutdown.
 */
export function startMaintenance(ctx: AppContext): () => void {
  installMetrics();
  const intervalMs = ctx.config.CLEANUP_INTERVAL_S * 1000;
  const log = ctx.log.child({ task: "cleanup" });
  const tick = () => {
    runCleanup(ctx).catch((error) => log.error({ err: error }, "scheduled cleanup failed"));
  };
  const first = setTimeout(tick, Math.min(FIRST_RUN_DELAY_MS, intervalMs));
  const every = setInterval(tick, intervalMs);
  first.unref();
  every.unref();
  log.info({ intervalS: ctx.config.CLEANUP_INTERVAL_S, retentionDays: ctx.config.RETENTION_DAYS }, "retention cleanup scheduled");
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
