/**
 * One error type for everything a client can be told. The code is machine-readable; the
 * table below is the only place that decides its HTTP status.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  invalid_json: 400,
  invalid_multipart: 400,
  no_files: 400,
  unknown_pipeline: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  duplicate_name: 409,
  upload_in_progress: 409,
  file_too_large: 413,
  too_many_files: 413,
  payload_too_large: 413,
  misdirected: 421,
  unsupported_media_type: 415,
  unreadable_image: 422,
  rate_limited: 429,
  client_closed: 499,
  internal: 500,
  unavailable: 503,
  insufficient_storage: 507,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  /** Extra response headers, e.g. Retry-After for rate_limited. */
  readonly headers?: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string, id: string) =>
  new AppError("not_found", `No ${what} with id ${id}.`, { details: { [`${what}_id`]: id } });

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
