import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Principal } from "@/features/auth/scopes";
import { refreshBatch } from "@/features/queue/batch-status";
import { addBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { createDispatcher, type Dispatcher } from "./dispatcher";
import { claimDeliveries } from "./queries";
import { createWebhookSchema } from "./schemas";
import { createWebhook, getWebhook, sendTest } from "./service";
import { signatureHeaders } from "./sign";
import { assertWebhookUrl, isPrivateAddress } from "./url-guard";

let ctx: TestContext;
let dispatcher: Dispatcher | undefined;
let receiver: http.Server | undefined;
afterEach(async () => {
  await dispatcher?.stop();
  dispatcher = undefined;
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  receiver = undefined;
  ctx?.cleanup();
});

const admin: Principal = { userId: "u-admin", email: "a@example.test", role: "admin", scope: "admin", via: "session" };
const SECRET = "a-secret-of-24-characters";

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 that answers with the next status of `statuses` (the last one repeats). */
async function listen(statuses: number[]): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  receiver = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      response.writeHead(statuses[Math.min(received.length - 1, statuses.length - 1)]!).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, received };
}

const add = (url: string, events: string[]) => createWebhook(ctx, createWebhookSchema.parse({ url, events, secret: SECRET }), "http://batchyard.test:3000", admin);
const deliveries = (id: string) => getWebhook(ctx, id).deliveries;

function completeBatch(batchId: string) {
  ctx.clock.advance(10);
  ctx.db.$client.prepare("UPDATE jobs SET status = 'completed', completed_at = ?, updated_at = ? WHERE batch_id = ?").run(ctx.clock.now(), ctx.clock.now(), batchId);
  refreshBatch(ctx.db.$client, batchId, ctx.clock.now());
}

describe("webhook URLs", () => {
  it("take http(s) only, without credentials, and refuse loopback and private hosts unless allowed", async () => {
    await expect(assertWebhookUrl("ftp://example.com/x", false)).rejects.toThrow(/Only http and https/);
    await expect(assertWebhookUrl("https://user:pw@example.com/", false)).rejects.toThrow(/credentials/);
    await expect(assertWebhookUrl("http://127.0.0.1:9/x", false)).rejects.toThrow(/WEBHOOK_ALLOW_PRIVATE/);
    await expect(assertWebhookUrl("http://[::1]/x", false)).rejects.toThrow(/private/);
    await expect(assertWebhookUrl("http://localhost/x", false)).rejects.toThrow(/private/);
    expect(await assertWebhookUrl("http://127.0.0.1:9/x", true)).toBe("http://127.0.0.1:9/x");
    for (const address of ["10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "::ffff:127.0.0.1", "fd00::1", "fe80::1", "0.0.0.0"]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ["93.184.216.34", "2606:4700::1111", "8.8.8.8"]) expect(isPrivateAddress(address), address).toBe(false);
  });

  it("sign `<timestamp>.<body>` with the secret", () => {
    const headers = signatureHeaders(SECRET, '{"a":1}', 1_700_000_000_500);
    expect(headers["X-Batchyard-Timestamp"]).toBe("1700000000");
    expect(headers["X-Batchyard-Signature"]).toBe(`sha256=${createHmac("sha256", SECRET).update('1700000000.{"a":1}').digest("hex")}`);
  });
});

describe("webhook deliveries", () => {
  it("are queued by the change itself: a batch that completes, a job that fails, for subscribed endpoints only", async () => {
    ctx = createTestContext({ WEBHOOK_ALLOW_PRIVATE: "true" });
    const done = await add("http://127.0.0.1:9/done", ["batch.completed"]);
    const failures = await add("http://127.0.0.1:9/failures", ["job.failed", "batch.failed"]);
    const { batchId } = addBatch(ctx, { files: 2 });
    completeBatch(batchId);
    const other = addBatch(ctx, { files: 1 });
    ctx.db.$client.prepare("UPDATE jobs SET status = 'failed', error_code = 'boom', updated_at = ? WHERE batch_id = ?").run(ctx.clock.now(), other.batchId);
    refreshBatch(ctx.db.$client, other.batchId, ctx.clock.now());

    expect(deliveries(done.id).map((d) => [d.event, d.batch_id])).toEqual([["batch.completed", batchId]]);
    expect(deliveries(failures.id).map((d) => d.event).sort()).toEqual(["batch.failed", "job.failed"]);
  });

  it("are signed, retried with backoff after a 500, and logged with status and response time", async () => {
    ctx = createTestContext({ WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_RETRY_BASE_MS: "0", WEBHOOK_POLL_MS: "600000" });
    const { url, received } = await listen([500, 200]);
    const hook = await add(url, ["batch.completed"]);
    const { batchId } = addBatch(ctx, { files: 1 });
    completeBatch(batchId);
    dispatcher = createDispatcher(ctx);

    await dispatcher.tick();
    expect(deliveries(hook.id)[0]).toMatchObject({ status: "pending", attempts: 1, response_status: 500, error: "answered 500" });
    await dispatcher.tick();

    expect(deliveries(hook.id)[0]).toMatchObject({ status: "delivered", attempts: 2, response_status: 200, error: null });
    expect(deliveries(hook.id)[0]!.response_ms).toBeGreaterThanOrEqual(0);
    expect(received).toHaveLength(2);
    expect(received[1]!.body).toBe(received[0]!.body);
    const { headers, body } = received[1]!;
    const expected = createHmac("sha256", SECRET).update(`${headers["x-batchyard-timestamp"]}.${body}`).digest("hex");
    expect(headers["x-batchyard-signature"]).toBe(`sha256=${expected}`);
    expect(headers["x-batchyard-event"]).toBe("batch.completed");
    const payload = JSON.parse(body);
    expect(payload).toMatchObject({ event: "batch.completed", batch: { id: batchId, status: "completed" }, links: { batch: `http://batchyard.test:3000/batches/${batchId}` } });
  });

  it("a delivery held by a process that died is sent after its lease expires; past the last try it fails", async () => {
    ctx = createTestContext({ WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_RETRY_BASE_MS: "0", WEBHOOK_MAX_ATTEMPTS: "2", WEBHOOK_POLL_MS: "600000" });
    const good = await listen([200]);
    const hook = await add(good.url, ["batch.completed"]);
    sendTest(ctx, hook.id);
    // Another process claimed it and died mid-send.
    expect(claimDeliveries(ctx.db.$client, "dead-process", ctx.clock.now(), 1_000, 10)).toHaveLength(1);
    dispatcher = createDispatcher(ctx);
    await dispatcher.tick();
    expect(good.received).toHaveLength(0);
    ctx.clock.advance(1_001);
    await dispatcher.tick();
    expect(good.received).toHaveLength(1);
    expect(deliveries(hook.id)[0]).toMatchObject({ event: "webhook.test", status: "delivered", attempts: 2 });

    const dead = await add("http://127.0.0.1:9/nobody", ["batch.completed"]);
    sendTest(ctx, dead.id);
    await dispatcher.tick();
    await dispatcher.tick();
    expect(deliveries(dead.id)[0]).toMatchObject({ status: "failed", attempts: 2, response_status: null });
    expect(deliveries(dead.id)[0]!.error).toMatch(/ECONNREFUSED/);
  });
});
