import path from "node:path";
import { z } from "zod";

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

export type RateLimit = { max: number; windowMs: number } | null;

/** `3/hour`, `100/minute`, … -> {max, windowMs}; `off` -> null (unlimited). Also reads users' own allowances. */
export function parseRateLimit(value: string): RateLimit {
  if (value === "off") return null;
  const [count, unit] = value.split("/") as [string, keyof typeof UNIT_MS];
  return { max: Number(count), windowMs: UNIT_MS[unit] };
}

const RATE_LIMIT_PATTERN = /^(off|\d+\/(second|minute|hour|day))$/;

/** `3/hour`, `100/minute`, or `off`. */
const rateLimitOf = (def: string) =>
  z.string().trim().regex(RATE_LIMIT_PATTERN, "expected N/second|minute|hour|day or off").default(def).transform(parseRateLimit);
const rateLimit = rateLimitOf("3/hour");

const UNIT_MS = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

const bool = (def: boolean) =>
  z
    .enum(["true", "false", "1", "0"])
    .default(def ? "true" : "false")
    .transform((v) => v === "true" || v === "1");

/** `on`/`off` (or true/false/1/0). */
const onOff = (def: boolean) =>
  z
    .enum(["on", "off", "true", "false", "1", "0"])
    .default(def ? "on" : "off")
    .transform((v) => v === "on" || v === "true" || v === "1");

/** A comma list, trimmed, empties dropped, lower-cased. */
const list = z
  .string()
  .default("")
  .transform((value) => value.split(",").map((item) => item.trim().toLowerCase()).filter(Boolean));

/** `TRUST_PROXY`: a hop count (`1`) or the proxies' addresses (`10.0.0.2,10.0.0.3`); unset = trust no proxy. */
const trustProxy = z
  .string()
  .trim()
  .optional()
  .transform((value, issue): { hops: number } | { addresses: string[] } | null => {
    if (!value || value === "0" || value === "false") return null;
    if (/^\d+$/.test(value)) return { hops: Number(value) };
    const addresses = value.split(",").map((item) => item.trim()).filter(Boolean);
    if (addresses.some((address) => !/^[0-9a-f.:]+$/i.test(address))) {
      issue.addIssue({ code: "custom", message: "expected a hop count or a comma list of IP addresses" });
      return z.NEVER;
    }
    return { addresses };
  });

export const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "::1", "[::1]"];

export const configSchema = z.object({
  DATA_DIR: z.string().min(1).default("./data"),
  /** The address the server binds to; anything but loopback needs ALLOWED_HOSTS. */
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  PORT: int(3000, 1).pipe(z.number().max(65535)),
  /** Host names (as in the Host header, port optional) served besides the loopback names. */
  ALLOWED_HOSTS: list,
  TRUST_PROXY: trustProxy,
  /** First admin created at start when no user exists; ignored afterwards. */
  ADMIN_EMAIL: z.string().trim().toLowerCase().email().optional(),
  ADMIN_PASSWORD: z.string().min(8, "at least 8 characters").optional(),
  /** A bearer token that may read /api/metrics and nothing else. */
  METRICS_TOKEN: z.string().min(16, "at least 16 characters").optional(),
  /** Sliding expiry of a browser session. */
  SESSION_DAYS: z.coerce.number().positive().default(30),
  QUEUE_CONCURRENCY: int(3, 1).pipe(z.number().max(64)),
  MAX_FILES_PER_BATCH: int(50, 1),
  MAX_FILE_SIZE_MB: z.coerce.number().positive().default(50),
  /** Cap on the base64 JSON upload body, in MB. */
  MAX_JSON_BODY_MB: z.coerce.number().positive().default(100),
  /** Bytes all uploads in flight may hold in DATA_DIR/tmp together, in MB; past it an upload is answered 503. */
  UPLOAD_STAGING_MB: z.coerce.number().positive().default(8192),
  /** Uploads one user may have in flight at once; one more is answered 429. */
  MAX_CONCURRENT_UPLOADS: int(16, 1),
  /** Text fields in one multipart upload, and the size of each (description, prefix, ...). */
  MAX_FORM_FIELDS: int(100, 1),
  MAX_FIELD_KB: int(16, 1),
  MAX_RETRIES: int(3, 0),
  JOB_TIMEOUT_S: z.coerce.number().positive().default(1800),
  /** After a crash: `resume` requeues the lost work; `pause` also pauses its batch for review. */
  RECOVERY_MODE: z.enum(["resume", "pause"]).default("resume"),
  LEASE_S: z.coerce.number().positive().default(30),
  HEARTBEAT_S: z.coerce.number().positive().default(5),
  /** Fallback poll interval of the dispatcher; enqueue wakes it at once. */
  POLL_MS: int(1000, 10),
  SHUTDOWN_GRACE_S: z.coerce.number().min(0).default(20),
  /** Backoff base for transient failures: base * 2^(attempt-1), with jitter. */
  RETRY_BASE_MS: int(2000, 0),
  UPLOAD_RATE_LIMIT: rateLimit,
  RETENTION_DAYS: z.coerce.number().min(0).default(7),
  CLEANUP_INTERVAL_S: z.coerce.number().positive().default(3600),
  DEFAULT_CUSTOMER_PREFIX: z
    .string()
    .regex(/^[A-Z0-9]+(_[A-Z0-9]+){0,2}$/, "expected upper-case segments like BATCH or PL_DXB")
    .default("BATCH"),
  MAX_INPUT_PIXELS: int(100_000_000, 1),
  /** Largest image a pipeline may produce (width x height); checked on the spec and again per file. */
  MAX_OUTPUT_PIXELS: int(100_000_000, 1),
  /**
   * A folder watched for new images (features/watch): each subfolder named after a pipeline's slug,
   * or mapped in `<WATCH_DIR>/watch.json`, turns files dropped into it into batches. Off when unset.
   */
  WATCH_DIR: z.string().trim().min(1).optional(),
  /** A file counts as arrived once its size and modification time have held this long. */
  WATCH_SETTLE_S: z.coerce.number().min(0.1).max(3600).default(5),
  /** Files arriving in one subfolder within this long of the first become one batch. */
  WATCH_WINDOW_S: z.coerce.number().min(0).max(3600).default(10),
  /** Who owns the watch folder's batches (an email or user id); unset: the oldest active admin. */
  WATCH_OWNER: z.string().trim().min(1).optional(),
  /** Pipeline previews per user (the editor asks after every change); `off` for none. */
  PREVIEW_RATE_LIMIT: rateLimitOf("120/minute"),
  DISK_FREE_WARN_MB: int(1024, 0),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Live updates (GET /api/events): how often one reader looks for changes for every open connection together. */
  LIVE_POLL_MS: int(1000, 100),
  /** A comment line on each idle connection this often, so proxies and browsers keep it open. */
  LIVE_HEARTBEAT_S: z.coerce.number().positive().default(15),
  /** Bytes waiting for one slow client before it is dropped (it reconnects and resumes). */
  LIVE_BUFFER_KB: int(256, 8),
  /** Open event connections the server accepts at once; one more is answered 503. */
  LIVE_MAX_CONNECTIONS: int(1000, 1),
  /** Webhooks may point at loopback and private addresses (LAN receivers, tests); off by default. */
  WEBHOOK_ALLOW_PRIVATE: bool(false),
  /** One delivery's time limit (connect, send, read the answer). */
  WEBHOOK_TIMEOUT_S: z.coerce.number().positive().default(10),
  /** Tries per delivery before it is marked failed, with backoff WEBHOOK_RETRY_BASE_MS × 2^(try-1). */
  WEBHOOK_MAX_ATTEMPTS: int(8, 1),
  WEBHOOK_RETRY_BASE_MS: int(10_000, 0),
  /** How often the server looks for deliveries that are due. */
  WEBHOOK_POLL_MS: int(1000, 50),
  /** Start the queue inside the web server (`false` when a separate `npm run worker` runs it). */
  QUEUE_IN_SERVER: bool(true),
  /** Pause claiming while other processes load the host or memory runs short (features/queue/throttle.ts). */
  THROTTLE: onOff(true),
  /** Other processes' share of the host's CPU, over THROTTLE_WINDOW_S, that pauses claiming. */
  THROTTLE_CPU_PCT: z.coerce.number().min(1).max(100).default(80),
  /** How far below a threshold a resource must come back before claiming resumes (CPU points; memory percent). */
  THROTTLE_HYSTERESIS_PCT: z.coerce.number().min(0).max(50).default(10),
  THROTTLE_WINDOW_S: z.coerce.number().min(0.1).max(3600).default(30),
  THROTTLE_SAMPLE_S: z.coerce.number().min(0.05).max(600).default(5),
  /** Memory (MiB, cgroup limit aware) that must stay available; a job is claimed only if its estimate fits above it. */
  THROTTLE_MIN_FREE_MB: int(256, 0),
  /** Test-only fault hooks (features/queue/faults.ts). Production never sets it. */
  BATCHYARD_TEST_FAULTS: bool(false),
  /** Test-only, with BATCHYARD_TEST_FAULTS: a JSON file the throttle reads instead of the host (faults.ts). */
  BATCHYARD_TEST_HOST: z.string().optional(),
}).superRefine((config, issue) => {
  if (!LOOPBACK_HOSTS.includes(config.HOST.toLowerCase()) && config.ALLOWED_HOSTS.length === 0) {
    issue.addIssue({ code: "custom", path: ["HOST"], message: "a non-loopback HOST needs ALLOWED_HOSTS (the names clients use to reach this server)" });
  }
  if (config.THROTTLE_SAMPLE_S > config.THROTTLE_WINDOW_S) {
    issue.addIssue({ code: "custom", path: ["THROTTLE_SAMPLE_S"], message: "must not be longer than THROTTLE_WINDOW_S" });
  }
  if (config.THROTTLE_HYSTERESIS_PCT >= config.THROTTLE_CPU_PCT) {
    issue.addIssue({ code: "custom", path: ["THROTTLE_HYSTERESIS_PCT"], message: "must be below THROTTLE_CPU_PCT" });
  }
  if ((config.ADMIN_EMAIL === undefined) !== (config.ADMIN_PASSWORD === undefined)) {
    issue.addIssue({ code: "custom", path: ["ADMIN_PASSWORD"], message: "ADMIN_EMAIL and ADMIN_PASSWORD go together" });
  }
});

export type RawConfig = z.infer<typeof configSchema>;
export type Config = RawConfig & { dataDir: string };

export class ConfigError extends Error {}

/** Parses the environment; a bad value throws naming the variable. */
export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const input = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const result = configSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `${issue.path.join(".")}=${JSON.stringify(env[String(issue.path[0])] ?? "")}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  return { ...result.data, dataDir: path.resolve(result.data.DATA_DIR) };
}

let cached: Config | undefined;

/** The process configuration, parsed once. */
export function getConfig(): Config {
  cached ??= parseConfig();
  return cached;
}
