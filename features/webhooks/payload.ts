import { toBatchSummary } from "@/features/batches/detail";
import { findBatch } from "@/features/batches/queries";
import type { WebhookDeliveryRow, WebhookRow } from "@/db/schema";
import type { AppContext } from "@/features/shared/context";
import { findFailedJob } from "./queries";

/**
 * The JSON a delivery sends: what happened, the batch as the API shows it (null when it has been
 * deleted since), the failed job for `job.failed`, and absolute links to the batch page, its API
 * resource and its ZIP. Built at the first try and stored, so every retry sends the same bytes.
 */
export function buildPayload(ctx: AppContext, webhook: WebhookRow, delivery: WebhookDeliveryRow): string {
  const now = ctx.clock.now();
  const row = delivery.batchId ? findBatch(ctx.db.$client, delivery.batchId) : undefined;
  const base = new URL(webhook.baseUrl).origin;
  const links = delivery.batchId
    ? { batch: `${base}/batches/${delivery.batchId}`, api: `${base}/api/batches/${delivery.batchId}`, download: `${base}/api/batches/${delivery.batchId}/download` }
    : {};
  const job = delivery.jobId ? (findFailedJob(ctx.db.$client, delivery.jobId) ?? null) : undefined;
  return JSON.stringify({
    id: delivery.id,
    event: delivery.event,
    created_at: new Date(delivery.createdAt).toISOString(),
    sent_at: new Date(now).toISOString(),
    batch: row ? toBatchSummary(row, now, ctx.config.RETENTION_DAYS) : delivery.batchId ? null : undefined,
    ...(job !== undefined ? { job } : {}),
    links,
  });
}
