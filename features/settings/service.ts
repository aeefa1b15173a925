import type { Principal } from "@/features/auth/scopes";
import { reloadQueueSettings } from "@/features/queue/runtime";
import type { AppContext } from "@/features/shared/context";
import { insertSettingIfMissing, selectSetting, upsertSetting } from "./queries";
import { queueConcurrencySchema, type Settings, type SettingsPatch } from "./schemas";

/**
 * Settings an admin changes while the server runs. They live in the database, so every process
 * on it (the server and any `npm run worker`) reads the same values: each engine re-reads them on
 * every poll (POLL_MS), the process that took the change at once.
 */
const QUEUE_CONCURRENCY = "queue_concurrency";

/**
 * At start: QUEUE_CONCURRENCY becomes the stored value if none is stored yet (the first start).
 * Afterwards the stored value applies and the variable is only reported when it differs.
 */
export function seedSettings(ctx: AppContext): void {
  const sqlite = ctx.db.$client;
  if (insertSettingIfMissing(sqlite, QUEUE_CONCURRENCY, JSON.stringify(ctx.config.QUEUE_CONCURRENCY), ctx.clock.now())) return;
  const stored = queueConcurrency(ctx);
  if (stored !== ctx.config.QUEUE_CONCURRENCY) {
    ctx.log.info(
      { stored, QUEUE_CONCURRENCY: ctx.config.QUEUE_CONCURRENCY },
      "queue concurrency: the stored setting applies (change it on /system or with PATCH /api/settings); QUEUE_CONCURRENCY only sets the first value",
    );
  }
}

/** The concurrency every engine runs at: the stored setting, or QUEUE_CONCURRENCY before one is stored. */
export function queueConcurrency(ctx: AppContext): number {
  const row = selectSetting(ctx.db.$client, QUEUE_CONCURRENCY);
  const parsed = row ? queueConcurrencySchema.safeParse(safeJson(row.value)) : undefined;
  return parsed?.success ? parsed.data : ctx.config.QUEUE_CONCURRENCY;
}

export function getSettings(ctx: AppContext): Settings {
  const row = selectSetting(ctx.db.$client, QUEUE_CONCURRENCY);
  return { queue_concurrency: queueConcurrency(ctx), updated_at: row ? new Date(row.updatedAt).toISOString() : null };
}

/** PATCH /api/settings (admin): stores the change and tells this process's engine at once. */
export function updateSettings(ctx: AppContext, patch: SettingsPatch, auth: Principal): Settings {
  const before = queueConcurrency(ctx);
  if (patch.queue_concurrency !== undefined) {
    upsertSetting(ctx.db.$client, QUEUE_CONCURRENCY, JSON.stringify(patch.queue_concurrency), ctx.clock.now());
    ctx.log.info({ user: auth.userId, from: before, to: patch.queue_concurrency }, "queue concurrency set");
  }
  reloadQueueSettings();
  return getSettings(ctx);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
