import { z } from "zod";
import { BATCH_STATUSES, PRIORITIES } from "@/db/schema";

/** Columns GET /api/batches may sort by; each is served by an index (db/schema.ts). */
export const SORT_COLUMNS = [
  "created_at",
  "batch_date",
  "base_directory_name",
  "priority",
  "status",
  "total_files",
  "total_size",
  "progress",
] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];

/** `a,b,c` -> a list of allowed values, any case (`Completed`); an empty item or an unknown value names the parameter. */
const commaList = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(",").map((v) => v.trim().toLowerCase()))
    .pipe(z.array(z.enum(values, { error: `expected a comma list of ${values.join("|")}` })).min(1));

/** One enum value in a query string, any case (`sort_order=DESC`): clients of the replaced systems send both. */
export const anyCase = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(values, { error: `expected one of ${values.join("|")}` }));

/** A client's own reference for a batch (a session or order id). */
export const externalRefSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(200, "at most 200 characters");

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "not a calendar date");

const wholeNumber = (min: number, max: number, def: number) =>
  z
    .string()
    .regex(/^\d+$/, "expected a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(def);

export const listBatchesQuerySchema = z
  .object({
    status: commaList(BATCH_STATUSES).optional(),
    customer_prefix: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z0-9]+(_[A-Z0-9]+){0,2}$/, "expected a prefix like PL_DXB")
      .optional(),
    priority: commaList(PRIORITIES).optional(),
    /** `true`: batches with at least one failed job, whatever their status; `false`: none failed. */
    has_failures: anyCase(["true", "false"]).transform((v) => v === "true").optional(),
    /** `me`, or a user id: the batches that user uploaded. */
    owner: z.string().trim().min(1).max(100).optional(),
    q: z.string().trim().min(1, "search text is empty").max(200).optional(),
    external_ref: externalRefSchema.optional(),
    date_from: isoDate.optional(),
    date_to: isoDate.optional(),
    sort_by: anyCase(SORT_COLUMNS).default("created_at"),
    sort_order: anyCase(["asc", "desc"]).default("desc"),
    // Negative numbers fail the digit pattern, so they are named with the same message as text.
    limit: wholeNumber(1, 200, 50),
    offset: wholeNumber(0, Number.MAX_SAFE_INTEGER, 0),
  })
  .strict()
  .refine((q) => !q.date_from || !q.date_to || q.date_from <= q.date_to, {
    path: ["date_to"],
    message: "date_to is before date_from",
  });

export type ListBatchesQuery = z.infer<typeof listBatchesQuerySchema>;

/** GET /api/batches/stats takes no parameters; any is refused rather than ignored. */
export const batchStatsQuerySchema = z.object({}).strict();

export const updateBatchSchema = z
  .object({
    priority: z.enum(PRIORITIES).optional(),
    description: z.string().trim().max(500).optional(),
    pinned: z.boolean().optional(),
  })
  .strict()
  .refine((b) => b.priority !== undefined || b.description !== undefined || b.pinned !== undefined, {
    message: "send at least one of priority, description, pinned",
  });

export type UpdateBatchInput = z.infer<typeof updateBatchSchema>;

export const BATCH_ACTIONS = ["pause", "resume", "cancel", "retry"] as const;
export type BatchAction = (typeof BATCH_ACTIONS)[number];

/** What POST /api/batches/bulk can do to each batch it selects. */
export const BULK_ACTIONS = ["pause", "resume", "cancel", "retry", "priority", "pin", "unpin", "delete"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** At most this many ids in one body, and this many batches a filter may select. */
export const BULK_MAX_IDS = 5_000;
export const BULK_MAX_BATCHES = 50_000;

/** The list's filters as a body field: the same names and values as GET /api/batches' query string. */
const filterValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);
export const bulkFilterSchema = z
  .record(z.string(), filterValue)
  .refine((f) => !["limit", "offset", "sort_by", "sort_order"].some((key) => key in f), "paging and sorting do not apply to a filter")
  .pipe(listBatchesQuerySchema);

export const bulkBodySchema = z
  .object({
    action: anyCase(BULK_ACTIONS),
    ids: z.array(z.string().trim().min(1).max(100)).min(1).max(BULK_MAX_IDS).optional(),
    filter: bulkFilterSchema.optional(),
    /** For `priority`: the new priority. */
    priority: z.enum(PRIORITIES).optional(),
  })
  .strict()
  .refine((b) => (b.ids === undefined) !== (b.filter === undefined), { message: "send either ids or filter, not both" })
  .refine((b) => b.action !== "priority" || b.priority !== undefined, { path: ["priority"], message: "the priority action needs a priority" });

export type BulkBody = z.infer<typeof bulkBodySchema>;

/** Batches one ZIP may hold (GET /api/batches/download). */
export const BULK_MAX_DOWNLOAD = 1_000;

/** GET /api/batches/download: `ids=a,b,c`, or the list's filters as on GET /api/batches. */
export const bulkDownloadQuerySchema = z.union([
  z
    .object({
      ids: z
        .string()
        .transform((s) => s.split(",").map((id) => id.trim()).filter(Boolean))
        .pipe(z.array(z.string().max(100)).min(1, "name at least one batch").max(BULK_MAX_DOWNLOAD)),
    })
    .strict(),
  bulkFilterSchema.transform((filter) => ({ filter })),
]);
export type BulkDownloadQuery = z.infer<typeof bulkDownloadQuerySchema>;
