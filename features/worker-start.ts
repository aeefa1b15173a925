/**
 * `npm run worker`: the queue alone, against the same DATA_DIR as the web server (run the server
 * with QUEUE_IN_SERVER=false, or not: several engines share the database safely and
 * the concurrency setting holds across all of them).
 */
import { processImageJob } from "./pipelines/processor";
import { createQueueEngine, type QueueEngine } from "./queue/engine";
import { registerQueueRuntime } from "./queue/runtime";
import { hostThrottle } from "./queue/throttle-watch";
import { stopOnSignals } from "./queue/shutdown";
import type { Processor } from "./queue/types";
import type { StartHooks } from "./server-start";
import { ConfigError } from "./shared/config";
import { getContext, type AppContext } from "./shared/context";
import { queueConcurrency, seedSettings } from "./settings/service";

/**
 * A process whose job is running the queue: start the engine, and on SIGTERM/SIGINT stop claiming,
 * let runs finish for SHUTDOWN_GRACE_S, give the rest back, close the database and exit 0.
 */
export function startWorkerProcess(ctx: AppContext, processor: Processor, hooks: StartHooks = {}): QueueEngine {
  seedSettings(ctx);
  const engine = createQueueEngine(ctx, { processor, throttle: hostThrottle(ctx), concurrency: () => queueConcurrency(ctx) });
  registerQueueRuntime(engine);
  // Handlers first, as in the server: start() already commits recovery, and a SIGTERM landing
  // before a handler exists would kill the process by default instead of stopping it cleanly.
  stopOnSignals(async () => {
    await engine.stop({ graceMs: ctx.config.SHUTDOWN_GRACE_S * 1000 });
    registerQueueRuntime(undefined);
    ctx.db.$client.close();
  }, ctx.log);
  hooks.beforeEngineStart?.();
  engine.start();
  return engine;
}

function main(): void {
  try {
    const ctx = getContext();
    startWorkerProcess(ctx, processImageJob);
    ctx.log.info({ dataDir: ctx.paths.root, worker: ctx.workerId }, "batchyard worker running");
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

// Run only as the entry point, so tests can start a worker with their own processor.
if (process.argv[1] && /worker-start\.ts$/.test(process.argv[1])) main();
