import type { WebhookDeliveryRow } from "@/db/schema";
import type { AppContext } from "@/features/shared/context";
import { postSigned } from "./deliver";
import { buildPayload } from "./payload";
import { claimDeliveries, findWebhook, finishDelivery, requeueExpiredDeliveries, savePayload, type DeliveryOutcome } from "./queries";
import { signatureHeaders } from "./sign";

/**
 * The webhook dispatcher of the server process: every WEBHOOK_POLL_MS it gives back deliveries whose
 * lease expired (their process died mid-send), claims due ones under a lease in one IMMEDIATE
 * transaction, sends them (a few at a time), and records each answer. A non-2xx answer or a network
 * error is retried with exponential backoff and jitter until WEBHOOK_MAX_ATTEMPTS, then the delivery
 * is failed. Everything lives in webhook_deliveries, so a restart picks up where it stopped.
 */

const CONCURRENT = 4;

export interface Dispatcher {
  /** One round now (the timer runs it; tests call it). Resolves when its sends are recorded. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export function backoffMs(ctx: AppContext, attempt: number, random = Math.random): number {
  return Math.round(ctx.config.WEBHOOK_RETRY_BASE_MS * 2 ** (attempt - 1) * (0.75 + random() * 0.5));
}

export function createDispatcher(ctx: AppContext): Dispatcher {
  const sqlite = ctx.db.$client;
  const owner = `${ctx.workerId}:webhooks`;
  const leaseMs = ctx.config.WEBHOOK_TIMEOUT_S * 1000 * 3;
  let running: Promise<void> | null = null;

  async function send(delivery: WebhookDeliveryRow): Promise<void> {
    const webhook = findWebhook(sqlite, delivery.webhookId);
    const now = ctx.clock.now();
    if (!webhook) return; // deleted meanwhile: its deliveries went with it
    let body = delivery.payload;
    if (body === null) {
      body = buildPayload(ctx, webhook, delivery);
      savePayload(sqlite, delivery.id, body);
    }
    const headers = { ...signatureHeaders(webhook.secret, body, now), "X-Batchyard-Event": delivery.event, "X-Batchyard-Delivery": String(delivery.id) };
    const result = await postSigned(webhook.url, body, headers, { timeoutMs: ctx.config.WEBHOOK_TIMEOUT_S * 1000, allowPrivate: ctx.config.WEBHOOK_ALLOW_PRIVATE });
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    const last = delivery.attempts >= ctx.config.WEBHOOK_MAX_ATTEMPTS;
    const ended = ctx.clock.now();
    const outcome: DeliveryOutcome = {
      status: ok ? "delivered" : last ? "failed" : "pending",
      runAfter: ok || last ? delivery.runAfter : ended + backoffMs(ctx, delivery.attempts),
      responseStatus: result.status,
      responseMs: result.ms,
      error: ok ? null : (result.error ?? `answered ${result.status}`),
    };
    if (!finishDelivery(sqlite, delivery.id, owner, outcome, ended)) return;
    const fields = { webhookId: webhook.id, delivery: delivery.id, event: delivery.event, attempt: delivery.attempts, status: result.status, ms: result.ms };
    if (ok) ctx.log.info(fields, "webhook delivered");
    else ctx.log.warn({ ...fields, error: outcome.error, next: outcome.status === "pending" ? new Date(outcome.runAfter).toISOString() : null }, last ? "webhook delivery failed for good" : "webhook delivery failed; will retry");
  }

  async function round(): Promise<void> {
    const now = ctx.clock.now();
    const claimed = sqlite
      .transaction(() => {
        requeueExpiredDeliveries(sqlite, now);
        return claimDeliveries(sqlite, owner, now, leaseMs, CONCURRENT);
      })
      .immediate();
    await Promise.all(claimed.map((d) => send(d).catch((error: unknown) => ctx.log.error({ err: error, delivery: d.id }, "webhook send crashed"))));
  }

  function tick(): Promise<void> {
    running ??= round()
      .catch((error: unknown) => ctx.log.error({ err: error }, "webhook round failed"))
      .finally(() => {
        running = null;
      });
    return running;
  }

  const timer = setInterval(() => void tick(), ctx.config.WEBHOOK_POLL_MS);
  timer.unref();
  return {
    tick,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
