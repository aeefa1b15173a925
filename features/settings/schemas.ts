import { z } from "zod";

/** Jobs running at once across every engine process; the same bounds as QUEUE_CONCURRENCY. */
export const queueConcurrencySchema = z.number().int().min(1).max(64);

/** PATCH /api/settings: the settings to change (at least one). */
export const settingsPatchSchema = z
  .object({ queue_concurrency: queueConcurrencySchema.optional() })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, "name at least one setting to change");
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** GET /api/settings. */
export interface Settings {
  queue_concurrency: number;
  /** When it was last stored (the first start's QUEUE_CONCURRENCY, or an admin's change); null before any start. */
  updated_at: string | null;
}
