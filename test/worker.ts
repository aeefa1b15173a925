/**
 * A worker process for the multi-process queue tests (features/queue/processes.test.ts): the real
 * engine and shutdown path with a processor that records what it does in DATA_DIR:
 * - runs.log: `start|done|aborted <job id> <pid>` lines and `peak <n>`, the runs in flight across
 *   every process at the moment one started (a file per run in running/, counted on start);
 * - outputs/<batch id>/<job id>.bin, like a real output.
 * TEST_WORK_MS sets how long a run takes (abortably).
 */
import fs from "node:fs";
import path from "node:path";
import { getContext } from "@/features/shared/context";
import type { Processor } from "@/features/queue/types";
import { startWorkerProcess } from "@/features/worker-start";

const ctx = getContext();
const workMs = Number(process.env.TEST_WORK_MS ?? "5");
const runsLog = path.join(ctx.paths.root, "runs.log");
const runningDir = path.join(ctx.paths.root, "running");
fs.mkdirSync(runningDir, { recursive: true });

const record = (line: string) => fs.appendFileSync(runsLog, `${line}\n`);

const recordingProcessor: Processor = async ({ job }, { signal }) => {
  const marker = path.join(runningDir, job.id);
  fs.writeFileSync(marker, String(process.pid));
  record(`start ${job.id} ${process.pid}`);
  record(`peak ${fs.readdirSync(runningDir).length}`);
  try {
    await delay(workMs, signal);
  } catch (error) {
    record(`aborted ${job.id} ${process.pid}`);
    throw error;
  } finally {
    fs.rmSync(marker, { force: true });
  }
  const outputKey = `outputs/${job.batchId}/${job.id}.bin`;
  fs.mkdirSync(path.join(ctx.paths.outputs, job.batchId), { recursive: true });
  fs.writeFileSync(path.join(ctx.paths.root, outputKey), job.id);
  record(`done ${job.id} ${process.pid}`);
  return { outputKey, outputName: `${job.id}.bin`, outputSize: job.id.length };
};

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

startWorkerProcess(ctx, recordingProcessor);
