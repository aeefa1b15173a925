import { createHmac } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { makeFiles, startServer, stopServer, upload, type Server } from "./crash-helpers";

/**
 * Webhooks end to end: a receiver on 127.0.0.1 (allowed by WEBHOOK_ALLOW_PRIVATE=true on a server of
 * this spec's own) gets a signed batch.completed, first answers 500, gets it again, and the delivery
 * log says so; the shared server (private addresses not allowed) refuses such a URL in the form.
 */

const SECRET = "e2e-webhook-secret-0123456789";

interface Hit {
  headers: http.IncomingHttpHeaders;
  body: string;
}

async function receiver(statuses: number[]) {
  const hits: Hit[] = [];
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      hits.push({ headers: request.headers, body });
      response.writeHead(statuses[Math.min(hits.length - 1, statuses.length - 1)]!).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/batchyard`, hits, close: () => new Promise((resolve) => server.close(resolve)) };
}

const validSignature = (hit: Hit) =>
  hit.headers["x-batchyard-signature"] === `sha256=${createHmac("sha256", SECRET).update(`${hit.headers["x-batchyard-timestamp"]}.${hit.body}`).digest("hex")}`;

test("a batch.completed delivery is signed, retried after a 500, and logged", async ({ browser }) => {
  test.setTimeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-webhooks-"));
  const hook = await receiver([500, 200]);
  let server: Server | undefined;
  try {
    server = await startServer(dataDir, { WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_RETRY_BASE_MS: "300", WEBHOOK_POLL_MS: "100" });
    const created = await server.fetch("/api/webhooks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: hook.url, events: ["batch.completed"], secret: SECRET }),
    });
    expect(created.status).toBe(201);
    const webhook = (await created.json()) as { id: string; secret_hint: string };
    expect(JSON.stringify(webhook)).not.toContain(SECRET);

    const batchId = await upload(server, { key: "webhook-1", files: await makeFiles("HOOK", 2, 48) });
    await expect.poll(() => hook.hits.length, { timeout: 60_000 }).toBe(2);

    const [first, second] = hook.hits;
    expect(second!.body).toBe(first!.body);
    for (const hit of hook.hits) {
      expect(validSignature(hit)).toBe(true);
      expect(Math.abs(Number(hit.headers["x-batchyard-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
      expect(hit.headers["x-batchyard-event"]).toBe("batch.completed");
    }
    expect(JSON.parse(second!.body)).toMatchObject({ event: "batch.completed", batch: { id: batchId, status: "completed", completed_jobs: 2 }, links: { batch: `${server.url}/batches/${batchId}` } });

    // The delivery log, by API and on the System page.
    await expect
      .poll(async () => ((await (await server!.fetch(`/api/webhooks/${webhook.id}`)).json()) as { deliveries: { status: string }[] }).deliveries[0]?.status)
      .toBe("delivered");
    const log = ((await (await server.fetch(`/api/webhooks/${webhook.id}`)).json()) as { deliveries: Record<string, unknown>[] }).deliveries;
    expect(log[0]).toMatchObject({ event: "batch.completed", batch_id: batchId, status: "delivered", attempts: 2, response_status: 200, error: null });

    const context = await browser.newContext({ baseURL: server.url });
    const [name, value] = server.cookie.split("=") as [string, string];
    await context.addCookies([{ name, value, url: server.url }]);
    const page = await context.newPage();
    await page.goto("/system");
    const item = page.getByTestId("webhook").filter({ hasText: hook.url });
    await expect(item).toContainText("last: delivered (200)");
    await item.getByRole("button", { name: "Send test" }).click();
    await item.getByRole("button", { name: "Deliveries" }).click();
    const rows = page.getByRole("table", { name: `Deliveries to ${hook.url}` }).getByTestId("delivery");
    await expect(rows.filter({ hasText: "webhook.test" })).toHaveAttribute("data-status", "delivered");
    await expect(rows.filter({ hasText: "batch.completed" })).toContainText("200");
    await context.close();
    expect(hook.hits).toHaveLength(3);
    expect(validSignature(hook.hits[2]!)).toBe(true);
  } finally {
    await hook.close();
    if (server) await stopServer(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test("a loopback URL is refused where private receivers are not allowed", async ({ page }) => {
  await page.goto("/system");
  const form = page.getByRole("form", { name: "Add a webhook" });
  await form.getByLabel("URL").fill("http://127.0.0.1:9/hook");
  await form.getByLabel("Secret").fill(SECRET);
  await form.getByRole("button", { name: "Add webhook" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "loopback or private address" })).toBeVisible();
  await expect(page.getByTestId("webhook").filter({ hasText: "127.0.0.1:9" })).toHaveCount(0);
});
