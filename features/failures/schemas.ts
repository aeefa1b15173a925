import { z } from "zod";

/** An instant as ISO 8601 (`2025-11-05T10:00:00Z`) or a day (`2025-11-05`, local midnight) -> epoch ms. */
const instant = z
  .string()
  .trim()
  .refine((s) => !Number.isNaN(Date.parse(s)), "expected an ISO 8601 date or date-time")
  .transform((s) => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(`${s}T00:00:00`).getTime() : Date.parse(s)));

const range = {
  /** Failures that happened at or after `from` and before `to`; both optional. */
  from: instant.optional(),
  to: instant.optional(),
  pipeline_id: z.string().trim().min(1).max(100).optional(),
};

const inOrder = (r: { from?: number; to?: number }) => r.from === undefined || r.to === undefined || r.from < r.to;

/** GET /api/failures. */
export const failuresQuerySchema = z
  .object({
    ...range,
    limit: z
      .string()
      .regex(/^\d+$/, "expected a whole number")
      .transform(Number)
      .pipe(z.number().int().min(1).max(100))
      .default(20),
  })
  .strict()
  .refine(inOrder, { path: ["to"], message: "to is not after from" });
export type FailuresQuery = z.infer<typeof failuresQuerySchema>;

/** POST /api/failures/retry and /dismiss: one group (its code and message, as GET answered them) within the same filters. */
export const failureGroupSchema = z
  .object({
    error_code: z.string().max(200).nullable(),
    error_message: z.string().max(10_000).nullable(),
    ...range,
  })
  .strict()
  .refine(inOrder, { path: ["to"], message: "to is not after from" });
export type FailureGroupInput = z.infer<typeof failureGroupSchema>;

export interface FailureFilter {
  from: number;
  to: number;
  pipelineId: string | null;
}

export const toFilter = (input: { from?: number; to?: number; pipeline_id?: string }): FailureFilter => ({
  from: input.from ?? 0,
  to: input.to ?? Number.MAX_SAFE_INTEGER,
  pipelineId: input.pipeline_id ?? null,
});
