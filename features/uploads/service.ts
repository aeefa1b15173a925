import { getBatchDetail, type BatchDetail } from "@/features/batches/detail";
import { batchName, chooseCustomerPrefix, type BatchName } from "@/features/batches/naming";
import { resolveBatchPipelines } from "@/features/pipelines/service";
import { wakeQueue } from "@/features/queue/runtime";
import { localDate } from "@/features/shared/clock";
import type { AppContext } from "@/features/shared/context";
import { AppError } from "@/features/shared/errors";
import { isAdmin, type Principal } from "@/features/auth/scopes";
import { findUserByEmail, findUserRole } from "@/features/auth/users";
import { appEvents } from "@/features/shared/events";
import { parseWith } from "@/features/shared/http";
import { commitUpload, findIdempotentBatch } from "./commit";
import { inspectAll } from "./inspect";
import { readJsonUpload, type JsonBodyMapper } from "./json-body";
import { readMultipart, type UploadLimits } from "./multipart";
import { assertWithinRateLimit, uploadAllowance } from "./rate-limit";
import { idempotencyKeySchema, optionsFromFields, uploadOptionsSchema, type PreviewNameQuery } from "./schemas";
import { enterUpload } from "./in-flight";
import { UploadStaging, type StagedFile } from "./staging";
import { assertRoomFor, StagingBudget } from "./staging-budget";

export interface AcceptedUpload {
  batch: BatchDetail;
  /** false when an Idempotency-Key repeat returned the earlier batch (answered 200, not 201). */
  created: boolean;
}

/**
 * POST /api/batches. Steps: replay an Idempotency-Key -> rate limit and uploads in flight (before
 * reading the body) -> room on disk and in the staging budget for the declared size -> stream every
 * file to tmp/ -> validate fields, pipelines, types and pixel counts -> one synchronous
 * commit. Any failure on the way removes every temp file; nothing reaches inputs/ or the database.
 */
export async function acceptUpload(ctx: AppContext, request: Request, uploader: Principal, options: { mapJsonBody?: JsonBodyMapper } = {}): Promise<AcceptedUpload> {
  const idempotencyKey = readIdempotencyKey(request);
  if (idempotencyKey) {
    const earlier = findIdempotentBatch(ctx, idempotencyKey, ctx.clock.now());
    if (earlier) return { batch: getBatchDetail(ctx, earlier), created: false };
  }
  assertWithinRateLimit(ctx, uploadAllowance(ctx, uploader.userId), ctx.clock.now());

  const leave = enterUpload(uploader.userId, ctx.config.MAX_CONCURRENT_UPLOADS);
  const staging = new UploadStaging(ctx.paths.tmp, new StagingBudget(ctx.config.UPLOAD_STAGING_MB * 1024 * 1024));
  try {
    const declared = Number(request.headers.get("content-length") ?? 0) || 0;
    assertRoomFor(ctx.paths.tmp, declared);
    staging.budget.reserve(declared);
    const received = await receive(ctx, request, staging, options.mapJsonBody);
    const batchOptions = parseWith(uploadOptionsSchema, received.options, "upload");
    if (received.files.length === 0) throw new AppError("no_files", 'No files in the upload; attach images as "files".');
    const owner = batchOwner(ctx, uploader, batchOptions.user_id);
    const allowance = uploadAllowance(ctx, owner);
    resolveBatchPipelines(ctx, batchOptions.pipeline_id); // fail fast; re-checked inside the transaction
    const files = await inspectAll(received.files, ctx.config.MAX_INPUT_PIXELS);
    if (request.signal?.aborted) throw new AppError("client_closed", "The client closed the connection before the upload finished.");
    const result = commitUpload(ctx, { options: batchOptions, files, owner, allowance, idempotencyKey }, staging);
    if (result.replayed) return { batch: getBatchDetail(ctx, result.batchId), created: false };
    wakeQueue();
    appEvents().emit("upload:accepted", { batchId: result.batchId, files: files.length, bytes: result.bytes });
    ctx.log.info({ batchId: result.batchId, files: files.length, bytes: result.bytes, owner, by: uploader.userId }, "upload accepted");
    return { batch: getBatchDetail(ctx, result.batchId), created: true };
  } catch (error) {
    if (error instanceof AppError && error.status >= 500) ctx.log.error({ err: error.cause ?? error }, "upload failed");
    throw error;
  } finally {
    await staging.discard();
    leave();
  }
}

/**
 * Whose batch this is: the uploader's, or (admins only) the user named in `user_id`, by id or
 * email, whose allowance it then counts against. Anyone may name themselves.
 */
function batchOwner(ctx: AppContext, uploader: Principal, userId: string | undefined): string {
  if (userId === undefined || userId === uploader.userId || userId.toLowerCase() === uploader.email.toLowerCase()) return uploader.userId;
  if (!isAdmin(uploader)) throw new AppError("forbidden", "Only an admin can upload on behalf of another user.", { details: { field: "user_id" } });
  const user = findUserRole(ctx, userId) ? { id: userId } : findUserByEmail(ctx, userId);
  if (!user || findUserRole(ctx, user.id)?.disabled) {
    throw new AppError("validation_failed", `There is no active user ${userId} to upload for.`, {
      details: { fields: [{ field: "user_id", message: "is not an active user's id or email" }] },
    });
  }
  return user.id;
}

function limitsOf(ctx: AppContext): UploadLimits {
  return {
    maxFiles: ctx.config.MAX_FILES_PER_BATCH,
    maxFileBytes: Math.floor(ctx.config.MAX_FILE_SIZE_MB * 1024 * 1024),
    maxFields: ctx.config.MAX_FORM_FIELDS,
    maxFieldBytes: Math.floor(ctx.config.MAX_FIELD_KB * 1024),
  };
}

async function receive(
  ctx: AppContext,
  request: Request,
  staging: UploadStaging,
  mapJsonBody?: JsonBodyMapper,
): Promise<{ options: Record<string, unknown>; files: StagedFile[] }> {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  if (type.startsWith("multipart/form-data")) {
    const parsed = await readMultipart(request, limitsOf(ctx), staging);
    return { options: optionsFromFields(parsed.fields), files: parsed.files };
  }
  if (type.startsWith("application/json")) {
    const maxBodyBytes = Math.floor(ctx.config.MAX_JSON_BODY_MB * 1024 * 1024);
    return readJsonUpload(request, { ...limitsOf(ctx), maxBodyBytes }, staging, mapJsonBody);
  }
  throw new AppError("unsupported_media_type", "Send the upload as multipart/form-data (or application/json with base64 files).", {
    details: { content_type: type || null },
  });
}

function readIdempotencyKey(request: Request): string | undefined {
  const raw = request.headers.get("idempotency-key");
  if (raw === null) return undefined;
  return parseWith(idempotencyKeySchema, raw.trim(), "Idempotency-Key header");
}

/** The name an upload would get now, without reserving it (the counter is taken at commit). */
export function previewBatchName(ctx: AppContext, query: PreviewNameQuery): BatchName {
  const prefix = chooseCustomerPrefix({
    explicit: query.customer_prefix,
    fileNames: query.file_names,
    fallback: ctx.config.DEFAULT_CUSTOMER_PREFIX,
  });
  return batchName(ctx.db.$client, prefix, localDate(ctx.clock.now()));
}
