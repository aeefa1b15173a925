import type { Pipeline } from "@/features/pipelines/queries";

export type { Pipeline };

/** The API's error shape rebuilt on the client, with per-field messages from a 400. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: { field?: string; fields?: { field: string; message: string }[] } };
}

export async function toApiError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => ({}))) as ErrorBody;
  const fields: Record<string, string> = {};
  for (const f of body.error?.details?.fields ?? []) fields[f.field.replace(/^spec\./, "")] ??= f.message;
  if (body.error?.details?.field && !fields[body.error.details.field]) fields[body.error.details.field] = body.error.message ?? "";
  return new ApiError(res.status, body.error?.code ?? "error", body.error?.message ?? `Request failed (${res.status})`, fields);
}

export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, {
    ...init,
    headers: init?.body ? { "content-type": "application/json", ...init.headers } : init?.headers,
  });
  if (!res.ok) throw await toApiError(res);
  return (await res.json()) as T;
}

export const PIPELINES_URL = "/api/pipelines?include_archived=true";

export function describeSpec(p: Pick<Pipeline, "format" | "width" | "height" | "fit" | "quality" | "alpha">): string {
  const size = p.width || p.height ? `${p.width ?? "auto"}×${p.height ?? "auto"} ${p.fit}` : "original size";
  const parts = [p.format.toUpperCase(), size];
  if (p.quality) parts.push(`quality ${p.quality}`);
  if (!p.alpha) parts.push("flattened");
  return parts.join(" · ");
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}
