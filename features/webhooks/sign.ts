import { createHmac } from "node:crypto";

/**
 * The signature a receiver checks: HMAC-SHA256 with the endpoint's secret over
 * `<timestamp>.<raw body>`, hex, as `X-Batchyard-Signature: sha256=<hex>` beside
 * `X-Batchyard-Timestamp: <unix seconds>`. Signing the timestamp lets a receiver refuse replays
 * (reject timestamps more than a few minutes old); signing the raw bytes means it must verify before
 * parsing (docs/api.md, Webhooks).
 */
export function signatureHeaders(secret: string, body: string, nowMs: number): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const hex = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return { "X-Batchyard-Timestamp": timestamp, "X-Batchyard-Signature": `sha256=${hex}` };
}
