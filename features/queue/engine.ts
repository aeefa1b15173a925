import type { AppContext } from "@/features/shared/context";
import type { ClaimedRun } from "./claim";
import { settleAndClaim, type Settling } from "./cycle";
import { withTestFaults } from "./faults";
import { heartbeat } from "./heartbeat";
import { RunAborted, timeoutAbort, type AbortKind } from "./outcome";
import { requeueDeadWorkersJobs, requeueExpiredLeases } from "./recover";
import { executeRun, type Settle } from "./run-job";
import type { QueueRuntime, QueueRuntimeStatus } from "./runtime";
import { allSettledWithin } from "./shutdown";
import type { Admit, Throttle } from "./throttle";
import { watchThrottle } from "./throttle-watch";
import type { Processor } from "./types";
import { markWorkerStopped, pruneStoppedWorkers, registerWorker } from "./workers";

export interface QueueEngine extends QueueRuntime {
  start(): void;
  /** Stop claiming; let runs finish for up to graceMs, then abort them and give their jobs back. */
  stop(options?: { graceMs?: number }): Promise<void>;
  /** One heartbeat round now (the timer runs it every HEARTBEAT_S): leases, cancels, timeouts, expired leases. */
  heartbeat(): void;
}

export interface EngineOptions {
  processor: Processor;
  /** Jitter source for retry backoff; tests pass a fixed one. */
  random?: () => number;
  /** Resource-aware claiming (throttle.ts); none: claim whenever a slot is free. */
  throttle?: Throttle;
  /** The concurrency setting, read at start, on every poll and on reloadSettings(); default QUEUE_CONCURRENCY. */
  concurrency?: () => number;
}

interface ActiveRun {
  run: ClaimedRun;
  controller: AbortController;
  done: Promise<void>;
}

const ABORT_MESSAGES: Record<Exclude<AbortKind, "timeout">, string> = {
  cancelled: "The batch was cancelled.",
  shutdown: "The worker shut down before this file finished.",
  lease_lost: "The job's lease was taken over.",
};

/**
 * The queue engine of one process. Claiming is driven by wake-ups (enqueue, resume, retry, a run
 * finishing); the POLL_MS timer is only a fallback for work another process made claimable.
 * Timestamps come from ctx.clock; timers only decide when to look. Runs that end are written in
 * the next cycle together with the claims that refill their slots.
 */
export function createQueueEngine(ctx: AppContext, options: EngineOptions): QueueEngine {
  const { config, clock } = ctx;
  const sqlite = ctx.db.$client;
  const leaseMs = config.LEASE_S * 1000;
  const processor = withTestFaults(ctx, options.processor);
  const random = options.random ?? Math.random;
  const runs = new Map<string, ActiveRun>();
  const settling: (Settling & { resolve: (r: { written: boolean; now: number }) => void; reject: (e: unknown) => void })[] = [];
  let state: "new" | "running" | "stopping" | "stopped" = "new";
  let startedAt: number | null = null;
  let cycleScheduled = false;
  let timers: NodeJS.Timeout[] = [];
  let stopWatchingThrottle = () => undefined as void;
  let concurrency = config.QUEUE_CONCURRENCY;

  function schedule(): void {
    if (cycleScheduled) return;
    cycleScheduled = true;
    // setImmediate gathers the wake-ups and finishes of one tick into one cycle (one commit).
    setImmediate(cycle);
  }

  function wake(): void {
    if (state === "running") schedule();
  }

  /** Write the runs that ended, claim into the freed slots: one transaction (cycle.ts). */
  function cycle(): void {
    cycleScheduled = false;
    const ended = settling.splice(0);
    const freeSlots = concurrency - (runs.size - ended.length);
    // Throttled: no claims (running jobs go on); otherwise the throttle's memory rule admits each one.
    const gate: { admit?: Admit } | null = options.throttle ? options.throttle.gate() : {};
    const claiming = state === "running" && freeSlots > 0 && gate !== null;
    if (ended.length === 0 && !claiming) return;
    const now = clock.now();
    const claim = claiming ? { workerId: ctx.workerId, limit: freeSlots, concurrency, leaseMs, admit: gate?.admit } : undefined;
    try {
      const { written, claimed } = settleAndClaim(sqlite, now, ended, claim);
      ended.forEach((entry, i) => {
        runs.delete(entry.run.job.id);
        entry.resolve({ written: written[i]!, now });
      });
      for (const run of claimed) startRun(run);
    } catch (error) {
      // Unwritten runs keep their lease until it expires; recovery then requeues them as crashed.
      ctx.log.error({ err: error, worker: ctx.workerId }, "queue cycle failed; claiming again at the next poll");
      for (const entry of ended) entry.reject(error);
    }
  }

  function startRun(run: ClaimedRun): void {
    const controller = new AbortController();
    const active: ActiveRun = { run, controller, done: Promise.resolve() };
    runs.set(run.job.id, active);
    if (ctx.log.isLevelEnabled("debug")) {
      ctx.log.debug({ worker: ctx.workerId, batchId: run.job.batchId, jobId: run.job.id, attempt: `${run.attempt} of ${run.job.maxAttempts}` }, "job started");
    }
    const settle: Settle = (decision) =>
      new Promise((resolve, reject) => {
        settling.push({ run, decision, resolve, reject });
        schedule();
      });
    active.done = executeRun(ctx, run, controller.signal, processor, random, settle)
      .catch((error: unknown) => ctx.log.error({ err: error, jobId: run.job.id }, "could not record the end of a run"))
      .finally(() => {
        runs.delete(run.job.id);
        wake();
      });
  }

  function abort(jobId: string, kind: AbortKind): void {
    const active = runs.get(jobId);
    if (!active || active.controller.signal.aborted) return;
    const reason = kind === "timeout" ? timeoutAbort() : new RunAborted(kind, ABORT_MESSAGES[kind]);
    active.controller.abort(reason);
  }

  function beat(): void {
    if (state === "new" || state === "stopped") return;
    const now = clock.now();
    try {
      const held = [...runs.values()].map(({ run }) => ({ jobId: run.job.id, leaseToken: run.leaseToken }));
      for (const [jobId, kind] of heartbeat(sqlite, ctx.workerId, held, now, leaseMs)) abort(jobId, kind);
      for (const { run } of runs.values()) {
        if (now - run.startedAt >= config.JOB_TIMEOUT_S * 1000) abort(run.job.id, "timeout");
      }
      if (requeueExpiredLeases(sqlite, now, ctx.paths.outputs, ctx.log, config.RECOVERY_MODE) > 0) wake();
    } catch (error) {
      ctx.log.error({ err: error, worker: ctx.workerId }, "heartbeat failed");
    }
  }

  /** Picks up a changed concurrency; lowering it only stops claims until runs drop below it. */
  function readSettings(): void {
    if (!options.concurrency) return;
    try {
      const next = options.concurrency();
      if (next === concurrency) return;
      // At start this only replaces QUEUE_CONCURRENCY with the stored value: no change to announce.
      if (state !== "new") ctx.log.info({ worker: ctx.workerId, from: concurrency, to: next }, "queue concurrency changed");
      concurrency = next;
      wake();
    } catch (error) {
      ctx.log.error({ err: error, worker: ctx.workerId }, "could not read the queue settings; keeping the current ones");
    }
  }

  function poll(): void {
    readSettings();
    wake();
  }

  function start(): void {
    if (state !== "new") return;
    if (config.LEASE_S < 2 * config.HEARTBEAT_S) {
      ctx.log.warn({ LEASE_S: config.LEASE_S, HEARTBEAT_S: config.HEARTBEAT_S }, "LEASE_S should be at least twice HEARTBEAT_S, or busy runs look crashed");
    }
    const now = clock.now();
    registerWorker(sqlite, ctx.workerId, now);
    pruneStoppedWorkers(sqlite, now);
    // Work left behind by a process that died is given back before we claim anything.
    const interrupted = requeueDeadWorkersJobs(sqlite, now, leaseMs, ctx.paths.outputs, ctx.log, config.RECOVERY_MODE);
    const crashed = requeueExpiredLeases(sqlite, now, ctx.paths.outputs, ctx.log, config.RECOVERY_MODE);
    readSettings();
    state = "running";
    startedAt = now;
    timers = [
      setInterval(poll, config.POLL_MS),
      setInterval(beat, config.HEARTBEAT_S * 1000),
    ];
    if (options.throttle) stopWatchingThrottle = watchThrottle(ctx, options.throttle, wake);
    ctx.log.info(
      { worker: ctx.workerId, concurrency, throttle: options.throttle ? "on" : "off", interrupted, crashed },
      "queue engine started",
    );
    wake();
  }

  async function stop({ graceMs = config.SHUTDOWN_GRACE_S * 1000 }: { graceMs?: number } = {}): Promise<void> {
    if (state !== "running") return;
    state = "stopping";
    clearInterval(timers[0]); // no more polling; the heartbeat keeps leases alive during the grace period
    stopWatchingThrottle();
    const inFlight = runs.size;
    await allSettledWithin([...runs.values()].map((r) => r.done), graceMs);
    for (const jobId of runs.keys()) abort(jobId, "shutdown");
    await Promise.all([...runs.values()].map((r) => r.done));
    timers.forEach(clearInterval);
    state = "stopped";
    markWorkerStopped(sqlite, ctx.workerId, clock.now());
    ctx.log.info({ worker: ctx.workerId, inFlight }, "queue engine stopped");
  }

  function status(): QueueRuntimeStatus {
    return {
      running: state === "running",
      worker_id: ctx.workerId,
      concurrency,
      active: runs.size,
      started_at: startedAt === null ? null : new Date(startedAt).toISOString(),
      throttled: options.throttle?.state() ?? null,
    };
  }

  function abortJobs(jobIds: string[], kind: "cancelled"): void {
    for (const jobId of jobIds) abort(jobId, kind);
  }

  return { start, stop, wake, status, heartbeat: beat, abortJobs, reloadSettings: readSettings };
}
