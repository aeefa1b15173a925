import { z } from "zod";

/** POST /api/maintenance/cleanup. Without `days_old` the configured RETENTION_DAYS applies. */
export const cleanupBodySchema = z
  .object({
    days_old: z.number().min(0).max(36_500).optional(),
  })
  .strict();
export type CleanupOptions = z.infer<typeof cleanupBodySchema>;

export const PROBLEM_OUTCOMES = ["failed", "timeout", "crashed", "retry", "interrupted"] as const;

/** GET /api/maintenance/problems: recent failed runs. */
export const problemsQuerySchema = z
  .object({
    hours: z.coerce.number().positive().max(24 * 365).default(24),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    outcome: z
      .string()
      .default("failed,timeout,crashed")
      .transform((v) => v.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean))
      .pipe(z.array(z.enum(PROBLEM_OUTCOMES)).min(1)),
  })
  .strict();
export type ProblemsQuery = z.infer<typeof problemsQuerySchema>;

/** GET /api/stats/history: the last `days` days (1-90, today included; default 30). */
export const historyQuerySchema = z
  .object({
    days: z
      .string()
      .regex(/^\d{1,3}$/, "expected a whole number of days")
      .transform(Number)
      .pipe(z.number().int().min(1).max(90))
      .default(30),
  })
  .strict();
export type HistoryQuery = z.infer<typeof historyQuerySchema>;

/** GET /api/stats/chart: the last 24 hours by hour, or 7 / 30 days by day; one pipeline or all. */
export const chartQuerySchema = z
  .object({
    range: z.enum(["24h", "7d", "30d"]).default("24h"),
    pipeline_id: z.string().trim().min(1).max(100).optional(),
  })
  .strict();
export type ChartQuery = z.infer<typeof chartQuerySchema>;
