import { randomUUID } from "node:crypto";
import type { WebhookDeliveryRow, WebhookRow } from "@/db/schema";
import type { Principal } from "@/features/auth/scopes";
import { isHttps } from "@/features/auth/client";
import type { Config } from "@/features/shared/config";
import type { AppContext } from "@/features/shared/context";
import { notFound } from "@/features/shared/errors";
import { deleteWebhookRow, findWebhook, insertTestDelivery, insertWebhook, selectDeliveries, selectWebhooks, updateWebhookRow } from "./queries";
import type { CreateWebhookInput, UpdateWebhookInput } from "./schemas";
import { assertWebhookUrl } from "./url-guard";

/** /api/webhooks (admin only): endpoints, their delivery log, "send test". The secret is never shown back. */

/**
 * The server's address as the admin reached it (the Host header, already on the allow-list, and
 * the scheme the request came in with), for absolute links in payloads.
 */
export const originOf = (request: Request, config: Config) => `${isHttps(request, config) ? "https" : "http"}://${request.headers.get("host") ?? `${config.HOST}:${config.PORT}`}`;

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());
const LOG_SIZE = 50;

function toWebhook(row: WebhookRow) {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as string[],
    enabled: row.enabled,
    secret_hint: `…${row.secret.slice(-4)}`,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

function toDelivery(row: WebhookDeliveryRow) {
  return {
    id: row.id,
    event: row.event,
    batch_id: row.batchId,
    job_id: row.jobId,
    status: row.status,
    attempts: row.attempts,
    response_status: row.responseStatus,
    response_ms: row.responseMs,
    error: row.error,
    created_at: iso(row.createdAt),
    next_attempt_at: row.status === "pending" && row.attempts > 0 ? iso(row.runAfter) : null,
    delivered_at: iso(row.deliveredAt),
  };
}

export type Webhook = ReturnType<typeof toWebhook>;
export type WebhookDelivery = ReturnType<typeof toDelivery>;

export async function createWebhook(ctx: AppContext, input: CreateWebhookInput, baseUrl: string, auth: Principal): Promise<Webhook> {
  const url = await assertWebhookUrl(input.url, ctx.config.WEBHOOK_ALLOW_PRIVATE);
  const now = ctx.clock.now();
  const row: WebhookRow = { id: randomUUID(), url, events: JSON.stringify(input.events), secret: input.secret, enabled: input.enabled, baseUrl, createdBy: auth.userId, createdAt: now, updatedAt: now };
  insertWebhook(ctx.db.$client, row);
  ctx.log.info({ webhookId: row.id, url, events: input.events }, "webhook added");
  return toWebhook(row);
}

export function listWebhooks(ctx: AppContext) {
  return { data: selectWebhooks(ctx.db.$client).map((row) => ({ ...toWebhook(row), last_delivery: selectDeliveries(ctx.db.$client, row.id, 1).map(toDelivery)[0] ?? null })) };
}

function load(ctx: AppContext, id: string): WebhookRow {
  const row = findWebhook(ctx.db.$client, id);
  if (!row) throw notFound("webhook", id);
  return row;
}

export function getWebhook(ctx: AppContext, id: string) {
  return { ...toWebhook(load(ctx, id)), deliveries: selectDeliveries(ctx.db.$client, id, LOG_SIZE).map(toDelivery) };
}

export async function updateWebhook(ctx: AppContext, id: string, input: UpdateWebhookInput): Promise<Webhook> {
  const row = load(ctx, id);
  const next: WebhookRow = {
    ...row,
    url: input.url === undefined ? row.url : await assertWebhookUrl(input.url, ctx.config.WEBHOOK_ALLOW_PRIVATE),
    events: input.events === undefined ? row.events : JSON.stringify(input.events),
    secret: input.secret ?? row.secret,
    enabled: input.enabled ?? row.enabled,
    updatedAt: ctx.clock.now(),
  };
  updateWebhookRow(ctx.db.$client, next);
  return toWebhook(next);
}

export function deleteWebhook(ctx: AppContext, id: string): void {
  if (!deleteWebhookRow(ctx.db.$client, id)) throw notFound("webhook", id);
}

/** Queues a `webhook.test` delivery, sent like any other within a poll. */
export function sendTest(ctx: AppContext, id: string): { delivery_id: number } {
  load(ctx, id);
  return { delivery_id: insertTestDelivery(ctx.db.$client, id, ctx.clock.now()) };
}
