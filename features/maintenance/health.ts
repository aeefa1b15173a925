import type { AppContext } from "@/features/shared/context";
import { queueStatus } from "@/features/queue/runtime";
import { version } from "@/package.json";

export interface Health {
  status: "ok" | "degraded";
  version: string;
  db: { ok: boolean; error?: string };
  queue: ReturnType<typeof queueStatus> & { state: string };
}

export function getHealth(ctx: AppContext): Health {
  const db = checkDatabase(ctx);
  const queue = queueStatus(ctx.config.QUEUE_CONCURRENCY);
  const queueExpected = ctx.config.QUEUE_IN_SERVER;
  return {
    status: db.ok && (queue.running || !queueExpected) ? "ok" : "degraded",
    version,
    db,
    queue: { ...queue, state: queue.running ? "running" : "not running" },
  };
}

function checkDatabase(ctx: AppContext): Health["db"] {
  try {
    ctx.db.$client.prepare("SELECT 1").get();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
