import { z } from "zod";

export const WEBHOOK_EVENTS = ["batch.completed", "batch.failed", "batch.cancelled", "job.failed"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number] | "webhook.test";

const url = z.string().trim().min(1).max(2000);
const events = z.array(z.enum(WEBHOOK_EVENTS)).min(1, "choose at least one event").transform((list) => [...new Set(list)]);
/** Long enough that it cannot be guessed; the receiver keeps it to check signatures. */
const secret = z.string().min(16, "at least 16 characters").max(200);

export const createWebhookSchema = z.object({ url, events, secret, enabled: z.boolean().default(true) }).strict();
export type CreateWebhookInput = z.infer<typeof createWebhookSchema>;

export const updateWebhookSchema = z
  .object({ url: url.optional(), events: events.optional(), secret: secret.optional(), enabled: z.boolean().optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "send at least one of url, events, secret, enabled" });
export type UpdateWebhookInput = z.infer<typeof updateWebhookSchema>;
