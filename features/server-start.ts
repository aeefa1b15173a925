import type { AppContext } from "./shared/context";
import { getContext } from "./shared/context";
import { ensureDefaultPipelines } from "./pipelines/queries";
import { DEFAULT_PIPELINES } from "./pipelines/schemas";
import { processImageJob } from "./pipelines/processor";
import { createQueueEngine } from "./queue/engine";
import { registerQueueRuntime } from "./queue/runtime";
import { stopOnSignals } from "./queue/shutdown";
import { startMaintenance } from "./maintenance/scheduler";
import { cleanUploadTmp } from "./uploads/staging";

const holder = globalThis as unknown as { __batchyardStarted?: boolean };

/** What to run, in order, when the server is told to stop. */
type Stopper = () => Promise<void>;

/** Start-up of the web server process; guarded so dev reloads do not start twice. */
export async function startServerProcess(): Promise<void> {
  if (holder.__batchyardStarted) return;
  holder.__batchyardStarted = true;
  const ctx = getContext();
  const created = ensureDefaultPipelines(ctx.db, DEFAULT_PIPELINES, ctx.clock.now());
  if (created > 0) ctx.log.info({ created }, "created default pipelines");
  // Uploads staged by a process that died never committed; only this process writes tmp/.
  cleanUploadTmp(ctx);

  const stoppers: Stopper[] = [];
  if (ctx.config.QUEUE_IN_SERVER) stoppers.push(startQueue(ctx));
  else ctx.log.info("QUEUE_IN_SERVER=false: jobs run in a separate `npm run worker` process");
  // Background maintenance of other features starts here.
  const stopMaintenance = startMaintenance(ctx);
  stoppers.push(async () => stopMaintenance());

  // Next's own SIGTERM handler would exit as soon as the HTTP server closes; this runs first.
  stopOnSignals(async () => {
    for (const stop of stoppers) await stop();
  }, ctx.log);
  ctx.log.info({ dataDir: ctx.paths.root }, "batchyard started");
}

function startQueue(ctx: AppContext): Stopper {
  const engine = createQueueEngine(ctx, { processor: processImageJob });
  registerQueueRuntime(engine);
  engine.start();
  return async () => {
    await engine.stop({ graceMs: ctx.config.SHUTDOWN_GRACE_S * 1000 });
    registerQueueRuntime(undefined);
  };
}
