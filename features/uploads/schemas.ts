import { z } from "zod";
import { PRIORITIES } from "@/db/schema";
import { CUSTOMER_PREFIX_PATTERN } from "@/features/batches/naming";
import { isBase64 } from "./base64";
import { externalRefSchema } from "@/features/batches/schemas";

/** Multipart field names that carry files; everything else is a text field. */
export const FILE_FIELDS = new Set(["file", "files"]);

/** Caps on the text part of a multipart upload (busboy limits). */
/** Longest field name busboy accepts; the field count and size come from MAX_FORM_FIELDS / MAX_FIELD_KB. */
export const FIELD_NAME_BYTES = 100;

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

export const customerPrefixSchema = z
  .string()
  .trim()
  .regex(CUSTOMER_PREFIX_PATTERN, "use upper-case A-Z/0-9 segments joined by _, at most 3 (e.g. PL_DXB)");

const pipelineIds = z
  .array(z.string().trim().min(1, "must not be empty").max(100))
  .max(20, "at most 20 pipelines per batch")
  .default([]);

/** The batch options shared by multipart fields and the JSON body. */
export const uploadOptionsSchema = z
  .object({
    pipeline_id: pipelineIds,
    priority: z.enum(PRIORITIES).default("normal"),
    description: optionalText.pipe(z.string().max(1000, "at most 1000 characters").optional()),
    customer_prefix: optionalText.pipe(customerPrefixSchema.optional()),
    /** Admins only: upload on behalf of this user (id or email). */
    user_id: optionalText.pipe(z.string().max(254).optional()),
    /** The client's own reference for the batch (a session or order id); filterable. */
    external_ref: optionalText.pipe(externalRefSchema.optional()),
    /**
     * How many files the upload sends. Sent before the first file of a multipart upload, the batch
     * opens with that file and processing starts while the rest arrives (features/uploads/receiving.ts).
     */
    file_count: z
      .union([z.number(), z.string().trim().regex(/^\d{1,7}$/, "must be a whole number").transform(Number)])
      .pipe(z.number().int("must be a whole number").min(1, "must be at least 1"))
      .optional(),
  })
  .strict();

export type UploadOptions = z.infer<typeof uploadOptionsSchema>;

/** Multipart text fields arrive as repeated strings; only pipeline_id may repeat. */
export function optionsFromFields(fields: Map<string, string[]>): Record<string, unknown> {
  // No prototype: a field named __proto__ must be refused as unknown, not swallowed by the setter.
  const raw: Record<string, unknown> = Object.create(null);
  for (const [name, values] of fields) raw[name] = name === "pipeline_id" ? values : values.length > 1 ? values : values[0];
  return raw;
}

const oneOrMany = z.union([z.string(), z.array(z.string())]).transform((v) => (typeof v === "string" ? [v] : v));

/** A pipeline named by id or by number (`1`, as seed-era scripts send it), alone or in a list. */
const pipelineRef = z.union([z.string(), z.number().int().positive().transform(String)]);
const pipelineRefs = z.union([pipelineRef, z.array(pipelineRef)]).transform((v) => (Array.isArray(v) ? v : [v]));

/** Longest file name an upload may carry, multipart or JSON (UTF-16 units, as zod counts). */
export const MAX_FILE_NAME_CHARS = 1000;

export const jsonUploadSchema = z
  .object({
    files: z
      .array(
        z
          .object({
            file_name: z.string().min(1, "must not be empty").max(MAX_FILE_NAME_CHARS),
            file_data: z.string().refine(isBase64, "must be base64"),
            /** The folder the file sat in (`shoot/day1`), kept in the batch and its ZIP. */
            path: z.string().max(MAX_FILE_NAME_CHARS).optional(),
          })
          .strict(),
      )
      .min(1, "at least one file is required"),
    pipeline_id: pipelineRefs.optional(),
    priority: z.string().optional(),
    description: z.string().optional(),
    customer_prefix: z.string().optional(),
    user_id: z.string().optional(),
    external_ref: z.string().optional(),
  })
  .strict();

export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,200}$/, "must be 1-200 visible ASCII characters");

/** GET /api/batches/preview-name: file_names repeated or one comma-separated list. */
export const previewNameQuerySchema = z
  .object({
    customer_prefix: optionalText.pipe(customerPrefixSchema.optional()),
    file_names: oneOrMany
      .optional()
      .transform((v) => (v ?? []).flatMap((s) => (v && v.length === 1 ? s.split(",") : [s])).map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(z.string().max(MAX_FILE_NAME_CHARS)).max(1000)),
  })
  .strict();

export type PreviewNameQuery = z.infer<typeof previewNameQuerySchema>;

/** POST /api/batches/:id/rerun: the batch's stored originals (all, or `file_ids`) through other pipelines. */
export const rerunSchema = z
  .object({
    pipeline_ids: z.array(pipelineRef).min(1, "choose at least one pipeline").max(20, "at most 20 pipelines per batch"),
    file_ids: z.array(z.string().trim().min(1).max(100)).min(1, "name at least one file, or leave file_ids out for all").optional(),
    priority: z.enum(PRIORITIES).optional(),
    description: z.string().trim().min(1).max(1000).optional(),
  })
  .strict();

export type RerunInput = z.infer<typeof rerunSchema>;
