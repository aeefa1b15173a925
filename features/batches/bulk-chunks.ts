import type { AppContext } from "@/features/shared/context";
import { isAppError, type AppError } from "@/features/shared/errors";
import { assertMayControlBatch, type Actor } from "./access";

/** The pieces every bulk action is made of (bulk.ts): targets, per-batch results, timed chunks. */

export const BULK_CHUNK = 200;
/** A chunk also ends once its transaction has run this long, so a slow stretch (cold pages) stays short. */
export const CHUNK_BUDGET_MS = 25;

export type Op = (ctx: AppContext, id: string) => void;

export interface BatchRef {
  id: string;
  name: string | null;
}

export interface BulkResult extends BatchRef {
  outcome: "done" | "skipped";
  /** Why a batch was skipped: an error code (`forbidden`, `not_found`, `invalid_transition`, `unchanged`). */
  reason?: string;
  message?: string;
}

/** One batch's try: the access rule, then the action; a refusal becomes a skipped result. */
export function attempt(ctx: AppContext, actor: Actor, ref: BatchRef, op: Op): BulkResult {
  try {
    assertMayControlBatch(ctx, actor, ref.id);
    op(ctx, ref.id);
    return { ...ref, outcome: "done" };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return skipped(ref, error);
  }
}

export function skipped(ref: BatchRef, error: AppError): BulkResult {
  const reason = typeof error.details?.reason === "string" ? error.details.reason : error.code;
  return { ...ref, outcome: "skipped", reason, message: error.message };
}

/** Runs `work` in one IMMEDIATE transaction and says how long it held the lock. */
export function timedWrite<T>(ctx: AppContext, work: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = ctx.db.$client.transaction(work).immediate();
  return { value, ms: performance.now() - started };
}

export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export function chunksOf<T>(items: T[], size = BULK_CHUNK): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}


/**
 * Runs `each` over `items` in IMMEDIATE transactions of at most BULK_CHUNK items or CHUNK_BUDGET_MS,
 * whichever comes first, with a turn of the event loop between them; returns the results in order
 * and how long each transaction held the write lock.
 */
export async function inChunks<T, R>(ctx: AppContext, items: T[], each: (item: T) => R, size = BULK_CHUNK): Promise<{ results: R[]; lockMs: number[] }> {
  const results: R[] = [];
  const lockMs: number[] = [];
  let next = 0;
  while (next < items.length) {
    const { value, ms } = timedWrite(ctx, () => {
      const started = performance.now();
      const out: R[] = [];
      while (next < items.length && out.length < size) {
        out.push(each(items[next++]!));
        if (performance.now() - started > CHUNK_BUDGET_MS) break;
      }
      return out;
    });
    results.push(...value);
    lockMs.push(ms);
    await yieldToEventLoop();
  }
  return { results, lockMs };
}
