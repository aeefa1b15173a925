import type { AppContext } from "@/features/shared/context";
import { testHostSampler } from "./faults";
import { procSampler } from "./host-sample";
import { queueRuntime } from "./runtime";
import { createThrottle, throttleSettings, type Throttle, type ThrottleState } from "./throttle";
import { localWorkerPids, recordThrottle, throttledWorkerState } from "./workers";

/**
 * The throttle of an engine process (throttle.ts): built from the configuration, sampled on a
 * timer, and made visible. undefined when THROTTLE=off.
 */
export function hostThrottle(ctx: AppContext): Throttle | undefined {
  const settings = throttleSettings(ctx.config);
  if (!settings) return undefined;
  const sqlite = ctx.db.$client;
  // Batchyard's other engines on this host run our jobs too: their load is ours, not the host's.
  const sampler = testHostSampler(ctx) ?? procSampler({ ownPids: () => [process.pid, ...localWorkerPids(sqlite)] });
  return createThrottle(settings, sampler);
}

/**
 * Samples every THROTTLE_SAMPLE_S. On each change of state: one log line, the engine's workers
 * row (so health in another process sees it), and `onRelease` when claims may resume. Returns
 * the function that stops sampling.
 */
export function watchThrottle(ctx: AppContext, throttle: Throttle, onRelease: () => void): () => void {
  let waitingSince: number | null = null;
  const tick = () => {
    try {
      const now = ctx.clock.now();
      const { changed, state } = throttle.sample(now);
      if (!changed) return;
      recordThrottle(ctx.db.$client, ctx.workerId, state);
      if (state) {
        waitingSince ??= now;
        ctx.log.warn({ worker: ctx.workerId, reason: state.reason, cpu_pct: state.cpu_pct, free_mb: state.free_mb }, "queue throttled: waiting for resources (running jobs go on)");
        return;
      }
      ctx.log.info({ worker: ctx.workerId, waited_s: Math.round((now - (waitingSince ?? now)) / 1000) }, "queue resumed: resources are available again");
      waitingSince = null;
      onRelease();
    } catch (error) {
      ctx.log.error({ err: error, worker: ctx.workerId }, "throttle sample failed");
    }
  };
  tick();
  const timer = setInterval(tick, throttle.sampleMs);
  return () => clearInterval(timer);
}

/**
 * `queue.throttled` for health and stats: this process's engine if it is waiting, else any live
 * engine that recorded a wait (a separate `npm run worker`).
 */
export function currentThrottle(ctx: AppContext): ThrottleState | null {
  const local = queueRuntime()?.status().throttled ?? null;
  if (local) return local;
  const stored = throttledWorkerState(ctx.db.$client, ctx.clock.now(), ctx.config.LEASE_S * 1000);
  return stored ? (JSON.parse(stored) as ThrottleState) : null;
}
