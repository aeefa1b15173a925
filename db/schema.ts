import { sql } from "drizzle-orm";
import {
  index,
  integer,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

/**
 * All timestamps are integer milliseconds since the epoch (UTC). Dates that people read
 * (`batch_date`) are stored as text in the server's time zone.
 */
const timestamps = {
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
};

export const pipelines = sqliteTable(
  "pipelines",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    /**
     * A small stable integer (1, 2, 3… in creation order, never reused; allocated from `sequences`),
     * so clients that name pipelines by integer (`pipeline_id: 1`) work alongside the UUID.
     */
    number: integer("number").notNull().default(0),
    /** JSON of the flat pipeline spec (features/pipelines/schemas.ts). */
    spec: text("spec").notNull(),
    isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
    archivedAt: integer("archived_at"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("pipelines_slug_idx").on(t.slug),
    uniqueIndex("pipelines_number_idx").on(t.number),
    index("pipelines_archived_at_idx").on(t.archivedAt),
  ],
);

/**
 * Sort keys of the batch list as SQL expressions. Queries must use these exact texts so SQLite
 * matches them to the expression indexes below. Priority sorts by importance (low 0 .. high 2).
 */
export const BATCH_PRIORITY_VALUE_SQL = `(CASE "priority" WHEN 'high' THEN 2 WHEN 'normal' THEN 1 ELSE 0 END)`;
/** Finished jobs per thousand, an integer so equal progress ties on created_at. */
export const BATCH_PROGRESS_SQL = `(CASE WHEN "total_jobs" = 0 THEN 0 ELSE ("completed_jobs" + "failed_jobs" + "cancelled_jobs") * 1000 / "total_jobs" END)`;

export const batches = sqliteTable(
  "batches",
  {
    id: text("id").primaryKey(),
    customerPrefix: text("customer_prefix").notNull(),
    batchDate: text("batch_date").notNull(),
    batchCounter: integer("batch_counter").notNull(),
    baseDirectoryName: text("base_directory_name").notNull(),
    description: text("description").notNull().default(""),
    priority: text("priority", { enum: ["high", "normal", "low"] }).notNull().default("normal"),
    status: text("status", {
      enum: ["pending", "processing", "paused", "completed", "failed", "cancelled"],
    })
      .notNull()
      .default("pending"),
    totalFiles: integer("total_files").notNull().default(0),
    totalJobs: integer("total_jobs").notNull().default(0),
    completedJobs: integer("completed_jobs").notNull().default(0),
    failedJobs: integer("failed_jobs").notNull().default(0),
    cancelledJobs: integer("cancelled_jobs").notNull().default(0),
    runningJobs: integer("running_jobs").notNull().default(0),
    totalSize: integer("total_size").notNull().default(0),
    outputSize: integer("output_size").notNull().default(0),
    /** The user who uploaded it (users.id); null for batches from before accounts existed. */
    owner: text("owner"),
    idempotencyKey: text("idempotency_key"),
    /** A reference the client keeps for the batch (a session or order id); filterable, not unique. */
    externalRef: text("external_ref"),
    pinned: integer("pinned", { mode: "boolean" }).notNull().default(false),
    /**
     * True while the upload that makes the batch is still arriving (its files' jobs already run):
     * the batch cannot finish, and one whose upload fails is removed (features/uploads/receiving.ts).
     */
    receiving: integer("receiving", { mode: "boolean" }).notNull().default(false),
    /** How many files the uploading client said it sends (`file_count`): "receiving 12 / 50". */
    expectedFiles: integer("expected_files"),
    ...timestamps,
    startedAt: integer("started_at"),
    pausedAt: integer("paused_at"),
    completedAt: integer("completed_at"),
  },
  (t) => [
    uniqueIndex("batches_base_directory_name_idx").on(t.baseDirectoryName),
    uniqueIndex("batches_customer_prefix_batch_date_batch_counter_idx").on(
      t.customerPrefix,
      t.batchDate,
      t.batchCounter,
    ),
    uniqueIndex("batches_idempotency_key_idx").on(t.idempotencyKey),
    index("batches_created_at_idx").on(t.createdAt),
    index("batches_status_created_at_idx").on(t.status, t.createdAt),
    index("batches_priority_created_at_idx").on(t.priority, t.createdAt),
    index("batches_completed_at_idx").on(t.completedAt),
    index("batches_owner_created_at_idx").on(t.owner, t.createdAt),
    index("batches_external_ref_created_at_idx").on(t.externalRef, t.createdAt),
    // Start-up finds the batches whose upload a previous process never finished.
    index("batches_receiving_idx").on(t.receiving).where(sql`${t.receiving} = 1`),
    // The live feed's one reader: batches changed since its last look (features/live/feed.ts).
    index("batches_updated_at_idx").on(t.updatedAt),
    // One index per sortable column of GET /api/batches, each ending in created_at (and the implicit
    // rowid), so every sort walks an index and stops at LIMIT instead of sorting the table.
    index("batches_batch_date_created_at_idx").on(t.batchDate, t.createdAt),
    index("batches_customer_prefix_created_at_idx").on(t.customerPrefix, t.createdAt),
    index("batches_total_files_created_at_idx").on(t.totalFiles, t.createdAt),
    index("batches_total_size_created_at_idx").on(t.totalSize, t.createdAt),
    index("batches_priority_value_created_at_idx").on(sql.raw(BATCH_PRIORITY_VALUE_SQL), t.createdAt),
    index("batches_progress_created_at_idx").on(sql.raw(BATCH_PROGRESS_SQL), t.createdAt),
  ],
);

/**
 * Images pipelines use besides the input: watermarks. Stored once per content under
 * `assets/<sha256>`; archived, not deleted, while a pipeline's spec names one.
 */
export const assets = sqliteTable(
  "assets",
  {
    id: text("id").primaryKey(),
    /** The uploaded file name made safe, for display only. */
    name: text("name").notNull(),
    sha256: text("sha256").notNull(),
    mime: text("mime").notNull(),
    size: integer("size").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    /** `assets/<sha256>`, relative to DATA_DIR. */
    storageKey: text("storage_key").notNull(),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
    archivedAt: integer("archived_at"),
  },
  (t) => [uniqueIndex("assets_sha256_idx").on(t.sha256)],
);

/** A file's place in its batch: its folder path, or its name when it came without one. */
export const FILE_PATH_SQL = `(CASE WHEN "relative_path" IS NULL THEN "safe_name" ELSE "relative_path" END)`;

export const files = sqliteTable(
  "files",
  {
    id: text("id").primaryKey(),
    batchId: text("batch_id")
      .notNull()
      .references(() => batches.id, { onDelete: "cascade" }),
    originalName: text("original_name").notNull(),
    safeName: text("safe_name").notNull(),
    /**
     * Where the file sat in a dropped folder, made safe (`shoot/day1/a.png`, ending in safe_name);
     * null for a file sent without a folder. A display path for grouping and the ZIP, never a disk path.
     */
    relativePath: text("relative_path"),
    mime: text("mime").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    /** Path relative to DATA_DIR, e.g. `inputs/<sha256>`. Never derived from a client name. */
    storageKey: text("storage_key").notNull(),
    width: integer("width"),
    height: integer("height"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("files_batch_id_idx").on(t.batchId),
    index("files_sha256_idx").on(t.sha256),
    // Unique per folder: `chair/front.jpg` and `table/front.jpg` keep their names in one batch.
    uniqueIndex("files_batch_id_path_idx").on(t.batchId, sql.raw(FILE_PATH_SQL)),
  ],
);

export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    batchId: text("batch_id")
      .notNull()
      .references(() => batches.id, { onDelete: "cascade" }),
    fileId: text("file_id")
      .notNull()
      .references(() => files.id, { onDelete: "cascade" }),
    pipelineId: text("pipeline_id")
      .notNull()
      .references(() => pipelines.id),
    status: text("status", {
      enum: ["pending", "processing", "completed", "failed", "cancelled"],
    })
      .notNull()
      .default("pending"),
    /** 0 = high, 1 = normal, 2 = low; copied from the batch so the claim reads one index. */
    priorityRank: integer("priority_rank").notNull().default(1),
    progress: real("progress").notNull().default(0),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull(),
    /** Runs that ended because the worker process died while holding this job. */
    crashCount: integer("crash_count").notNull().default(0),
    runAfter: integer("run_after").notNull(),
    leaseOwner: text("lease_owner"),
    leaseToken: text("lease_token"),
    leaseExpiresAt: integer("lease_expires_at"),
    heartbeatAt: integer("heartbeat_at"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    outputKey: text("output_key"),
    outputName: text("output_name"),
    outputSize: integer("output_size"),
    outputWidth: integer("output_width"),
    outputHeight: integer("output_height"),
    ...timestamps,
    startedAt: integer("started_at"),
    completedAt: integer("completed_at"),
    /** When someone dismissed this failure from the Failures view; cleared when the job is retried. */
    dismissedAt: integer("dismissed_at"),
  },
  (t) => [
    // The claim index: pending rows in priority order, ready time, then FIFO.
    index("jobs_status_priority_rank_run_after_created_at_idx").on(
      t.status,
      t.priorityRank,
      t.runAfter,
      t.createdAt,
    ),
    index("jobs_batch_id_status_idx").on(t.batchId, t.status),
    index("jobs_file_id_idx").on(t.fileId),
    index("jobs_pipeline_id_idx").on(t.pipelineId),
    // Partial: the Failures view's open failures, grouped by error in index order, by time within a group.
    index("jobs_open_failures_idx")
      .on(t.errorCode, t.errorMessage, t.completedAt, t.batchId)
      .where(sql`${t.status} = 'failed' AND ${t.dismissedAt} IS NULL`),
  ],
);

export const attempts = sqliteTable(
  "attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    jobId: text("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    batchId: text("batch_id").notNull(),
    workerId: text("worker_id").notNull(),
    attemptNumber: integer("attempt_number").notNull(),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at"),
    outcome: text("outcome", {
      enum: ["completed", "failed", "retry", "crashed", "interrupted", "timeout", "cancelled"],
    }),
    error: text("error"),
    durationMs: integer("duration_ms"),
  },
  (t) => [
    index("attempts_job_id_idx").on(t.jobId),
    // Partial (finished runs only): opening a run writes no entry here, closing it writes one.
    // Every reader filters on a finished_at range, which implies IS NOT NULL.
    index("attempts_finished_at_outcome_idx").on(t.finishedAt, t.outcome).where(sql`${t.finishedAt} IS NOT NULL`),
    // Stats' run-time percentiles: the latest completed runs' durations, read from the index alone.
    index("attempts_outcome_finished_at_duration_ms_idx").on(t.outcome, t.finishedAt, t.durationMs).where(sql`${t.finishedAt} IS NOT NULL`),
  ],
);

export const workers = sqliteTable(
  "workers",
  {
    id: text("id").primaryKey(),
    bootId: text("boot_id").notNull(),
    pid: integer("pid").notNull(),
    hostname: text("hostname").notNull(),
    startedAt: integer("started_at").notNull(),
    heartbeatAt: integer("heartbeat_at").notNull(),
    stoppedAt: integer("stopped_at"),
    /** JSON of the engine's throttle state while it waits for resources (features/queue/throttle.ts); null otherwise. */
    throttled: text("throttled"),
  },
  (t) => [index("workers_heartbeat_at_idx").on(t.heartbeatAt)],
);

/**
 * Run history per day (server time zone), rolled up once a day has ended: the history endpoint reads
 * these rows instead of scanning attempts, and they outlive the attempts retention prunes.
 */
export const dailyHistory = sqliteTable("daily_history", {
  /** YYYY-MM-DD in the server's time zone, like batch_date. */
  day: text("day").primaryKey(),
  runs: integer("runs").notNull(),
  completed: integer("completed").notNull(),
  failed: integer("failed").notNull(),
  retried: integer("retried").notNull(),
  crashed: integer("crashed").notNull(),
  timedOut: integer("timed_out").notNull(),
  interrupted: integer("interrupted").notNull(),
  cancelled: integer("cancelled").notNull(),
  avgMs: integer("avg_ms"),
  p95Ms: integer("p95_ms"),
  maxMs: integer("max_ms"),
  filesProcessed: integer("files_processed").notNull(),
  bytesProcessed: integer("bytes_processed").notNull(),
  bytesWritten: integer("bytes_written").notNull(),
  computedAt: integer("computed_at").notNull(),
});

/**
 * Endpoints admins register for batch and job events (features/webhooks). `events` is a JSON list;
 * the secret signs every delivery and is never shown again.
 */
export const webhooks = sqliteTable("webhooks", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  events: text("events").notNull(),
  secret: text("secret").notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  /** Origin of the server as the admin reached it, for absolute links in payloads. */
  baseUrl: text("base_url").notNull(),
  createdBy: text("created_by"),
  ...timestamps,
});

/**
 * One event to send to one endpoint: its own small durable queue (features/webhooks/dispatcher.ts),
 * leased, retried with backoff, picked up again after a restart. Rows are added by the triggers of
 * migration 0014 in the same transaction as the change they report.
 */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    webhookId: text("webhook_id")
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    event: text("event").notNull(),
    batchId: text("batch_id"),
    jobId: text("job_id"),
    /** The exact body sent, fixed at the first attempt so every retry is signed over the same bytes. */
    payload: text("payload"),
    status: text("status", { enum: ["pending", "delivering", "delivered", "failed"] }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    runAfter: integer("run_after").notNull(),
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: integer("lease_expires_at"),
    responseStatus: integer("response_status"),
    responseMs: integer("response_ms"),
    error: text("error"),
    ...timestamps,
    deliveredAt: integer("delivered_at"),
  },
  (t) => [
    index("webhook_deliveries_status_run_after_idx").on(t.status, t.runAfter),
    index("webhook_deliveries_webhook_id_created_at_idx").on(t.webhookId, t.createdAt),
  ],
);

/** Settings an admin changes at run time (`queue_concurrency`); the value is JSON. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** Named counters that only grow (pipeline numbers): a deleted row never gives its number back. */
export const sequences = sqliteTable("sequences", {
  name: text("name").primaryKey(),
  value: integer("value").notNull(),
});

/** One row per accepted upload, for the sliding-window rate limit. Survives restarts. */
export const rateLimitEvents = sqliteTable(
  "rate_limit_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    key: text("key").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("rate_limit_events_key_created_at_idx").on(t.key, t.createdAt)],
);

/** People who sign in. Never deleted: a disabled user's batches keep their owner. */
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Lower-cased; the sign-in name. */
    email: text("email").notNull(),
    role: text("role", { enum: ["admin", "member"] }).notNull(),
    /** `scrypt$N$r$p$<salt b64>$<hash b64>` (features/auth/passwords.ts). */
    passwordHash: text("password_hash").notNull(),
    /** The user's own upload allowance (`3/hour`, `off` = unlimited); null = the role's default. */
    uploadAllowance: text("upload_allowance"),
    disabledAt: integer("disabled_at"),
    ...timestamps,
  },
  (t) => [uniqueIndex("users_email_idx").on(t.email)],
);

/** Browser sessions: the cookie holds a random id, the table only its SHA-256. */
export const sessions = sqliteTable(
  "sessions",
  {
    idHash: text("id_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    userAgent: text("user_agent"),
    address: text("address"),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId), index("sessions_expires_at_idx").on(t.expiresAt)],
);

/** API tokens (`byd_<id>_<secret>`): the id is shown, the secret only once; the table keeps its SHA-256. */
export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    scope: text("scope", { enum: ["read", "write", "admin"] }).notNull(),
    secretHash: text("secret_hash").notNull(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    expiresAt: integer("expires_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_tokens_user_id_idx").on(t.userId)],
);

export type PipelineRow = typeof pipelines.$inferSelect;
export type DailyHistoryRow = typeof dailyHistory.$inferSelect;
export type BatchRow = typeof batches.$inferSelect;
export type FileRow = typeof files.$inferSelect;
export type AssetRow = typeof assets.$inferSelect;
export type JobRow = typeof jobs.$inferSelect;
export type AttemptRow = typeof attempts.$inferSelect;
export type WorkerRow = typeof workers.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type WebhookRow = typeof webhooks.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

export const BATCH_STATUSES = batches.status.enumValues;
export const JOB_STATUSES = jobs.status.enumValues;
export const PRIORITIES = batches.priority.enumValues;
export const ATTEMPT_OUTCOMES = attempts.outcome.enumValues;
export const ROLES = users.role.enumValues;
export const TOKEN_SCOPES = apiTokens.scope.enumValues;

/** Priority name -> claim rank (lower runs first). */
export const PRIORITY_RANK = { high: 0, normal: 1, low: 2 } as const;

export { sql };
