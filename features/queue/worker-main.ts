/**
 * `npm run worker`: the queue alone, against the same DATA_DIR as the web server (run the server
 * with QUEUE_IN_SERVER=false, or not: several engines share the database safely and
 * QUEUE_CONCURRENCY holds across all of them).
 */
import { processImageJob } from "@/features/pipelines/processor";
import { ConfigError } from "@/features/shared/config";
import { getContext } from "@/features/shared/context";
import { runWorkerProcess } from "./worker-process";

try {
  const ctx = getContext();
  runWorkerProcess(ctx, processImageJob);
  ctx.log.info({ dataDir: ctx.paths.root, worker: ctx.workerId }, "batchyard worker running");
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
