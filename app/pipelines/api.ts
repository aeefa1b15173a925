import { fetcher, requestRaw, send } from "@/app/_shared/api";
import type { Pipeline } from "@/features/pipelines/queries";

export type { Pipeline };

export const PIPELINES_URL = "/api/pipelines?include_archived=true";

/** The pipelines endpoints the page calls; errors arrive as the shared ApiError. */
export const api = {
  list: () => fetcher<{ data: Pipeline[] }>(PIPELINES_URL),
  create: (body: object) => send<Pipeline>("POST", "/api/pipelines", body),
  update: (id: string, body: object) => send<Pipeline>("PATCH", `/api/pipelines/${id}`, body),
  remove: (id: string, newDefault?: string) =>
    send<{ outcome: "deleted" | "archived" }>("DELETE", `/api/pipelines/${id}${newDefault ? `?new_default=${encodeURIComponent(newDefault)}` : ""}`),
  restore: (id: string) => send<Pipeline>("POST", `/api/pipelines/${id}/restore`),
  /** The processed image itself: the caller reads its bytes and the x-output-* headers. */
  preview: (body: FormData, signal: AbortSignal) => requestRaw("/api/pipelines/preview", { method: "POST", body, signal }),
};

export function describeSpec(p: Pick<Pipeline, "format" | "width" | "height" | "fit" | "quality" | "alpha"> & Partial<Pick<Pipeline, "compression" | "palette">>): string {
  const size = p.width || p.height ? `${p.width ?? "auto"}×${p.height ?? "auto"} ${p.fit}` : "original size";
  const parts = [p.format.toUpperCase(), size];
  if (p.quality) parts.push(`quality ${p.quality}`);
  if (p.format === "png" && p.compression != null) parts.push(`compression ${p.compression}`);
  if (p.format === "png" && p.palette) parts.push("palette");
  if (!p.alpha) parts.push("flattened");
  return parts.join(" · ");
}
