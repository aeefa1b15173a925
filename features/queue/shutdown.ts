import type { Logger } from "@/features/shared/logger";

const SIGNALS = ["SIGTERM", "SIGINT"] as const;

/** A repeat this soon after the first signal is the same request arriving twice (see below). */
export const REPEAT_MS = 1_000;

/**
 * Runs `stop` on the first SIGTERM/SIGINT before the process may exit.
 *
 * `next start` installs its own SIGTERM/SIGINT handler that closes the HTTP server and then calls
 * process.exit(0) (next/dist/server/lib/start-server.js) — which would cut running jobs off
 * mid-write. So the handlers already installed are taken off and called only after `stop`
 * resolves; with none (the standalone worker) the process exits 0 itself. A second signal while
 * stopping exits at once, unless it comes within REPEAT_MS of the first: Ctrl-C on `npm start`
 * signals the whole process group and npm then forwards the same signal again, and that echo
 * must not cut running jobs off.
 */
export function stopOnSignals(stop: () => Promise<void>, log: Logger, now: () => number = Date.now): void {
  let stoppingSince: number | null = null;
  for (const signal of SIGNALS) {
    const previous = process.listeners(signal) as ((signal: NodeJS.Signals) => void)[];
    process.removeAllListeners(signal);
    process.on(signal, () => {
      if (stoppingSince !== null) {
        if (now() - stoppingSince < REPEAT_MS) return;
        log.warn({ signal }, "second signal while stopping: exiting now");
        return process.exit(130);
      }
      stoppingSince = now();
      log.info({ signal }, "stopping the queue before exit");
      stop()
        .catch((error: unknown) => log.error({ err: error }, "queue did not stop cleanly"))
        .finally(() => {
          if (previous.length === 0) process.exit(0);
          for (const listener of previous) listener(signal);
        });
    });
  }
}

/** Waits for all the promises, or until ms pass, whichever comes first (the shutdown grace period). */
export async function allSettledWithin(promises: Promise<unknown>[], ms: number): Promise<void> {
  if (promises.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([Promise.allSettled(promises), deadline]);
  clearTimeout(timer);
}
