import { getContext } from "./shared/context";
import { ensureDefaultPipelines } from "./pipelines/queries";
import { DEFAULT_PIPELINES } from "./pipelines/schemas";

const holder = globalThis as unknown as { __batchyardStarted?: boolean };

/** Start-up of the web server process; guarded so dev reloads do not start twice. */
export async function startServerProcess(): Promise<void> {
  if (holder.__batchyardStarted) return;
  holder.__batchyardStarted = true;
  const ctx = getContext();
  const created = ensureDefaultPipelines(ctx.db, DEFAULT_PIPELINES, ctx.clock.now());
  if (created > 0) ctx.log.info({ created }, "created default pipelines");
  ctx.log.info({ dataDir: ctx.paths.root }, "batchyard started");
}
