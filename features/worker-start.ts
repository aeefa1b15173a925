import type { AppContext } from "@/features/shared/context";
import { createQueueEngine, type QueueEngine } from "./engine";
import { registerQueueRuntime } from "./runtime";
import { stopOnSignals } from "./shutdown";
import type { Processor } from "./types";

/**
 * A process whose job is running the queue: start the engine, and on SIGTERM/SIGINT stop claiming,
 * let runs finish for SHUTDOWN_GRACE_S, give the rest back, close the database and exit 0.
 */
export function runWorkerProcess(ctx: AppContext, processor: Processor): QueueEngine {
  const engine = createQueueEngine(ctx, { processor });
  registerQueueRuntime(engine);
  // Handlers first, as the server does: start() already commits recovery, and a SIGTERM landing
  // before a handler exists would kill the process by default instead of stopping it cleanly.
  stopOnSignals(async () => {
    await engine.stop({ graceMs: ctx.config.SHUTDOWN_GRACE_S * 1000 });
    registerQueueRuntime(undefined);
    ctx.db.$client.close();
  }, ctx.log);
  engine.start();
  return engine;
}
