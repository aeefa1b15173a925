/**
 * A child process for features/entry-points.test.ts: runs the server's or the worker's start-up
 * (argv[2]) and sends itself SIGTERM at the last moment before the queue engine starts, the
 * engine whose start commits crash recovery.
 */
import { startServerProcess } from "@/features/server-start";
import { getContext } from "@/features/shared/context";
import { startWorkerProcess } from "@/features/worker-start";

const signalSelf = () => void process.kill(process.pid, "SIGTERM");

if (process.argv[2] === "worker") {
  startWorkerProcess(getContext(), async () => Promise.reject(new Error("no jobs expected")), { beforeEngineStart: signalSelf });
} else {
  void startServerProcess({ beforeEngineStart: signalSelf });
}
