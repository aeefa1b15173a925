import type { AppContext } from "./shared/context";
import { getContext } from "./shared/context";
import { ensureDefaultPipelines } from "./pipelines/queries";
import { DEFAULT_PIPELINES } from "./pipelines/schemas";
import { processImageJob } from "./pipelines/processor";
import { createQueueEngine, type QueueEngine } from "./queue/engine";
import { registerQueueRuntime } from "./queue/runtime";
import { hostThrottle } from "./queue/throttle-watch";
import { queueConcurrency, seedSettings } from "./settings/service";
import { stopOnSignals } from "./queue/shutdown";
import { startMaintenance } from "./maintenance/scheduler";
import { cleanUploadTmp } from "./uploads/staging";
import { removeUnfinishedUploads } from "./uploads/receiving";
import { prepareFirstRun } from "./auth/setup";
import { startWatcher } from "./watch/watcher";
import { createDispatcher } from "./webhooks/dispatcher";

const holder = globalThis as unknown as { __batchyardStarted?: boolean };

/** What to run, in order, when the server is told to stop. */
type Stopper = () => Promise<void>;

export interface StartHooks {
  /** Runs after the signal handlers are installed, right before the queue engine starts. */
  beforeEngineStart?: () => void;
}

/** Start-up of the web server process; guarded so dev reloads do not start twice. */
export async function startServerProcess(hooks: StartHooks = {}): Promise<void> {
  if (holder.__batchyardStarted) return;
  holder.__batchyardStarted = true;
  const ctx = getContext();
  prepareData(ctx);
  const engine = ctx.config.QUEUE_IN_SERVER ? createEngine(ctx) : undefined;
  const stoppers: Stopper[] = [];
  if (engine) stoppers.push(() => stopEngine(ctx, engine));

  // Handlers first: engine.start() commits crash recovery, and a signal landing before our handler
  // exists would end the process by default (or by Next's own handler, which exits as soon as the
  // HTTP server closes) instead of stopping the queue cleanly. Start-up below is synchronous, so
  // a signal that arrives during it is handled once it is done, with every stopper registered.
  stopOnSignals(async () => {
    for (const stop of stoppers) await stop();
  }, ctx.log);

  hooks.beforeEngineStart?.();
  if (engine) engine.start();
  else ctx.log.info("QUEUE_IN_SERVER=false: jobs run in a separate `npm run worker` process");
  // Background maintenance of other features starts here.
  const stopMaintenance = startMaintenance(ctx);
  stoppers.push(async () => stopMaintenance());
  // Webhook deliveries go out from the web server only (their queue is the webhook_deliveries table).
  const dispatcher = createDispatcher(ctx);
  stoppers.push(() => dispatcher.stop());
  // The watch folder runs here, never in `npm run worker`: one process per DATA_DIR makes its batches.
  stoppers.unshift(startWatcher(ctx));
  ctx.log.info({ dataDir: ctx.paths.root }, "batchyard started");
  // Creates the ADMIN_* admin, or says where /setup is, when nobody can sign in yet.
  await prepareFirstRun(ctx, `http://${ctx.config.HOST.includes(":") ? `[${ctx.config.HOST}]` : ctx.config.HOST}:${ctx.config.PORT}`);
}

/** Default pipelines, and no upload left half-staged by a process that died. */
function prepareData(ctx: AppContext): void {
  const created = ensureDefaultPipelines(ctx.db, DEFAULT_PIPELINES, ctx.clock.now());
  if (created > 0) ctx.log.info({ created }, "created default pipelines");
  seedSettings(ctx);
  // Uploads staged by a process that died never committed; only this process writes tmp/.
  cleanUploadTmp(ctx);
  // Nor did the uploads it was receiving into a batch: those batches go, with what they made.
  removeUnfinishedUploads(ctx);
}

function createEngine(ctx: AppContext): QueueEngine {
  const engine = createQueueEngine(ctx, { processor: processImageJob, throttle: hostThrottle(ctx), concurrency: () => queueConcurrency(ctx) });
  registerQueueRuntime(engine);
  return engine;
}

async function stopEngine(ctx: AppContext, engine: QueueEngine): Promise<void> {
  await engine.stop({ graceMs: ctx.config.SHUTDOWN_GRACE_S * 1000 });
  registerQueueRuntime(undefined);
}
