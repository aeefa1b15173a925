import { EventEmitter } from "node:events";

/** Process-wide domain events; metrics and logs subscribe, the code that acts only emits. */
export interface AppEvents {
  "job:finished": [{ jobId: string; batchId: string; outcome: string; durationMs: number; attempt: number }];
  "upload:accepted": [{ batchId: string; files: number; bytes: number }];
  "http:request": [{ method: string; route: string; status: number; durationMs: number }];
}

const holder = globalThis as unknown as { __batchyardEvents?: EventEmitter<AppEvents> };

export function appEvents(): EventEmitter<AppEvents> {
  holder.__batchyardEvents ??= new EventEmitter<AppEvents>();
  return holder.__batchyardEvents;
}

/** `/api/batches/0b6f…/pause` -> `/api/batches/:id/pause`, so metrics labels stay bounded. */
export function routeLabel(pathname: string): string {
  return pathname
    .split("/")
    .map((part) => (/^[0-9a-f]{8}-[0-9a-f-]{27,}$/i.test(part) || /^\d+$/.test(part) ? ":id" : part))
    .join("/");
}
