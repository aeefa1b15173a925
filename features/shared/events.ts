import { EventEmitter } from "node:events";

/** Process-wide domain events; metrics and logs subscribe, the code that acts only emits. */
export interface AppEvents {
  "job:finished": [{ jobId: string; batchId: string; outcome: string; durationMs: number; attempt: number }];
  "upload:accepted": [{ batchId: string; files: number; bytes: number }];
  /** A batch's rows are gone (the live feed tells clients; other changes it reads from the database). */
  "batch:deleted": [{ batchId: string }];
  "http:request": [{ method: string; route: string; status: number; durationMs: number }];
}

const holder = globalThis as unknown as { __batchyardEvents?: EventEmitter<AppEvents> };

export function appEvents(): EventEmitter<AppEvents> {
  holder.__batchyardEvents ??= new EventEmitter<AppEvents>();
  return holder.__batchyardEvents;
}

type RouteParams = Record<string, string | string[] | undefined>;

/** Distinct labels one process hands out; past this every new one is `other`. */
const MAX_ROUTE_LABELS = 200;
const labels = new Set<string>();

/**
 * The route template of a request, for metrics labels: `/api/batches/0b6f…/pause` with params
 * `{id}` -> `/api/batches/:id/pause`. Every path segment a client chooses is a route param, so the
 * label is one of the app's own routes, whatever the path; a label that still looks like request
 * data, or one past the cap, is `other`, so bogus paths cannot grow the metrics without end.
 */
export function routeLabel(pathname: string, params: unknown): string {
  const names = new Map<string, string>();
  for (const [name, value] of Object.entries((params ?? {}) as RouteParams)) {
    for (const item of [value ?? []].flat()) names.set(item, `:${name}`);
  }
  const label = pathname
    .split("/")
    .map((part) => names.get(decodeSegment(part)) ?? part)
    .join("/");
  if (!ROUTE_TEMPLATE.test(label)) return "other";
  if (!labels.has(label) && labels.size >= MAX_ROUTE_LABELS) return "other";
  labels.add(label);
  return label;
}

/** What the app's own routes are made of: lower-case words, dashes, `:param`s. */
const ROUTE_TEMPLATE = /^(?:\/(?::?[a-z][a-z0-9_-]*))*\/?$/;

function decodeSegment(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
