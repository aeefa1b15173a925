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
import { commitUpload, findIdempotentBatch, type CommitResult } from "./commit";
import { inspectAll } from "./inspect";
import { readJsonUpload, type JsonBodyMapper } from "./json-body";
import { clientClosed, readMultipart, type SinkFor, type UploadLimits } from "./multipart";
import { ReceivingBatch } from "./receiving";
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
  let receiving: ReceivingBatch | undefined;
  // A multipart upload that says how many files it sends, before its first file, is processed as it arrives.
  const sinkFor: SinkFor = (fields) => {
    if (!fields.has("file_count")) return undefined;
    const batchOptions = parseWith(uploadOptionsSchema, optionsFromFields(fields), "upload");
    const expectedFiles = assertFileCount(ctx, batchOptions.file_count!);
    const owner = batchOwner(ctx, uploader, batchOptions.user_id);
    resolveBatchPipelines(ctx, batchOptions.pipeline_id); // fail fast; re-checked when the batch opens
    const batch = new ReceivingBatch(ctx, { options: batchOptions, owner, allowance: uploadAllowance(ctx, owner), idempotencyKey, expectedFiles }, staging);
    receiving = batch;
    return (file, wanted) => batch.add(file, wanted);
  };
  try {
    const declared = Number(request.headers.get("content-length") ?? 0) || 0;
    assertRoomFor(ctx.paths.tmp, declared);
    staging.budget.reserve(declared);
    const received = await receive(ctx, request, staging, { mapJsonBody: options.mapJsonBody, sinkFor });
    if (request.signal?.aborted) throw clientClosed();
    const batchOptions = parseWith(uploadOptionsSchema, received.options, "upload");
    const owner = batchOwner(ctx, uploader, batchOptions.user_id);
    let result: CommitResult;
    if (receiving) result = receiving.finish();
    else {
      if (received.files.length === 0) throw new AppError("no_files", 'No files in the upload; attach images as "files".');
      if (batchOptions.file_count !== undefined) assertCountMatches(batchOptions.file_count, received.files.length);
      const allowance = uploadAllowance(ctx, owner);
      resolveBatchPipelines(ctx, batchOptions.pipeline_id); // fail fast; re-checked inside the transaction
      const files = await inspectAll(received.files, ctx.config.MAX_INPUT_PIXELS);
      if (request.signal?.aborted) throw clientClosed();
      result = commitUpload(ctx, { options: batchOptions, files, owner, allowance, idempotencyKey }, staging);
    }
    if (result.replayed) return { batch: getBatchDetail(ctx, result.batchId), created: false };
    wakeQueue();
    const files = received.files.length;
    appEvents().emit("upload:accepted", { batchId: result.batchId, files, bytes: result.bytes });
    ctx.log.info({ batchId: result.batchId, files, bytes: result.bytes, owner, by: uploader.userId, as_it_arrived: receiving !== undefined }, "upload accepted");
    return { batch: getBatchDetail(ctx, result.batchId), created: true };
  } catch (error) {
    if (error instanceof AppError && error.status >= 500) ctx.log.error({ err: error.cause ?? error }, "upload failed");
    await receiving?.discard().catch((discardError: unknown) => ctx.log.error({ err: discardError }, "could not remove the batch of a failed upload"));
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

/** file_count as the limits allow it (too_many_files before a byte of the files is read). */
function assertFileCount(ctx: AppContext, count: number): number {
  const max = ctx.config.MAX_FILES_PER_BATCH;
  if (count > max) throw new AppError("too_many_files", `Too many files: at most ${max} per batch; the upload says ${count}.`, { details: { max_files: max, file_count: count } });
  return count;
}

function assertCountMatches(expected: number, sent: number): void {
  if (expected === sent) return;
  throw new AppError("validation_failed", `The upload said file_count ${expected} but sent ${sent} file${sent === 1 ? "" : "s"}.`, {
    details: { fields: [{ field: "file_count", message: `is ${expected}, and ${sent} arrived` }] },
  });
}

async function receive(
  ctx: AppContext,
  request: Request,
  staging: UploadStaging,
  options: { mapJsonBody?: JsonBodyMapper; sinkFor?: SinkFor },
): Promise<{ options: Record<string, unknown>; files: StagedFile[] }> {
  const { mapJsonBody } = options;
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  if (type.startsWith("multipart/form-data")) {
    const parsed = await readMultipart(request, limitsOf(ctx), staging, options.sinkFor);
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
