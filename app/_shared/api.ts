/**
 * The one way pages talk to the API. Every refusal arrives as `{"error": {code, message, details?}}`
 * (see docs/ARCHITECTURE.md) and is rebuilt here into an ApiError, so each page can show the
 * server's reason, branch on its code and put field messages beside their inputs.
 */

/** The server's error on the client. `status` 0 means no answer came (network down, server gone). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The first message per field of a validation error (details.fields / details.field). */
    readonly fields: Record<string, string> = {},
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The file a refusal names (too large, not an image, one too many), if any. */
  get file(): string | undefined {
    return typeof this.details.file === "string" ? this.details.file : undefined;
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: Record<string, unknown> };
}

/** Rebuilds the error from an answer's status and parsed body; fetch and XHR callers both use it. */
export function apiErrorFrom(status: number, body: unknown): ApiError {
  const error = (body as ErrorBody | null)?.error;
  const details = error?.details ?? {};
  const message = error?.message ?? `Request failed (${status})`;
  return new ApiError(status, error?.code ?? "http_error", message, fieldMessages(details, message), details);
}

function fieldMessages(details: Record<string, unknown>, message: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const list = Array.isArray(details.fields) ? (details.fields as { field?: unknown; message?: unknown }[]) : [];
  for (const f of list) if (typeof f.field === "string" && typeof f.message === "string") fields[f.field] ??= f.message;
  if (typeof details.field === "string") fields[details.field] ??= message;
  return fields;
}

export const networkError = () => new ApiError(0, "network", "Could not reach the server.");

export interface RequestOptions {
  method?: string;
  /** Sent as a JSON body with its content type. */
  json?: unknown;
  /** Any other body (FormData for multipart). */
  body?: BodyInit;
  signal?: AbortSignal;
  /** Statuses whose body is the answer, not an error (health answers 503 with its report). */
  okStatuses?: number[];
}

/** Sends a request and returns the raw response once it is a success; otherwise throws ApiError. */
export async function requestRaw(url: string, options: RequestOptions = {}): Promise<Response> {
  const { method, json, body, signal, okStatuses = [] } = options;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      signal,
      headers: json === undefined ? undefined : { "Content-Type": "application/json" },
      body: json === undefined ? body : JSON.stringify(json),
    });
  } catch (error) {
    // An abort is the caller's own doing and must stay recognisable as one.
    if ((error as Error).name === "AbortError") throw error;
    throw networkError();
  }
  if (!res.ok && !okStatuses.includes(res.status)) throw apiErrorFrom(res.status, await res.json().catch(() => null));
  return res;
}

/** Sends a request and returns its JSON body (undefined for 204). */
export async function request<T>(url: string, options: RequestOptions = {}): Promise<T> {
  const res = await requestRaw(url, options);
  if (res.status === 204) return undefined as T;
  return (await res.json().catch(() => null)) as T;
}

/** The SWR fetcher: GET a URL, its JSON or an ApiError. */
export const fetcher = <T>(url: string) => request<T>(url);

/** A write with an optional JSON body. */
export const send = <T>(method: string, url: string, json?: unknown) => request<T>(url, { method, json });
