import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { SERVER_ENTRY } from "./auth";
import { makeFiles, SERVER_ENV, startServer, stopServer, upload } from "./crash-helpers";
import { uploadBatch, waitForBatch } from "./dashboard-fixtures";
import { listSettled } from "./first-day-helpers";

/**
 * Live updates: pages follow a batch through GET /api/events (server-sent events) instead of
 * polling, fall back to polling when the stream is unavailable, and the stream carries changes a
 * separate worker process makes.
 */

const LIST_OR_DETAIL = /\/api\/batches(\?|\/[0-9a-f-]{36}(\?|$))/;

async function dashboardOf(browser: Browser, baseURL: string, prefix: string) {
  const context = await browser.newContext({ baseURL, storageState: test.info().project.use.storageState });
  const page = await context.newPage();
  await page.goto(`/?customer_prefix=${prefix}`);
  await listSettled(page, new RegExp(`customer_prefix=${prefix}`));
  return { context, page };
}

const doneCount = async (page: Page, id: string) => {
  const words = await page.locator(`[data-batch-id="${id}"]`).getByText(/\bdone\b/).textContent();
  return Number(/(\d{1,6}) done/.exec(words ?? "")?.[1]);
};

test("two browsers follow a batch's progress through live events, with list polling blocked", async ({ browser, baseURL, request }) => {
  const prefix = `LIVE${Date.now().toString(36).toUpperCase()}`;
  const batch = await uploadBatch(request, { files: 10, prefix, size: 700, pipelines: 3 });
  expect((await request.post(`/api/batches/${batch.id}/pause`)).status()).toBe(200);
  const paused = await waitForBatch(request, batch.id, (b) => b.status === "paused" && b.total_jobs === 30);

  const viewers = [await dashboardOf(browser, baseURL!, prefix), await dashboardOf(browser, baseURL!, prefix)];
  const blocked: string[] = [];
  for (const { page } of viewers) {
    await expect(page.getByTestId("batch-list")).toHaveAttribute("data-live", "true");
    // From here the pages may not fetch the list or the batch: only the event stream can move them.
    await page.route(LIST_OR_DETAIL, (route) => {
      blocked.push(route.request().url());
      return route.abort();
    });
  }
  expect((await request.post(`/api/batches/${batch.id}/resume`)).status()).toBe(200);

  const [first, second] = viewers.map((v) => v.page);
  const seen = new Set<number>([paused.completed_jobs]);
  const row = first!.locator(`[data-batch-id="${batch.id}"]`);
  await expect
    .poll(async () => {
      seen.add(await doneCount(first!, batch.id));
      return row.getAttribute("data-status");
    }, { timeout: 60_000, intervals: [50] })
    .toBe("completed");
  expect(seen.size, `progress values seen: ${[...seen].join(", ")}`).toBeGreaterThan(2);
  await expect(second!.locator(`[data-batch-id="${batch.id}"]`)).toHaveAttribute("data-status", "completed");
  await expect(second!.locator(`[data-batch-id="${batch.id}"]`)).toContainText("30 done");
  expect(blocked).toEqual([]);
  for (const { context } of viewers) await context.close();
});

test("with the event stream unavailable the dashboard still updates, by polling", async ({ browser, baseURL, request }) => {
  const prefix = `NOLIVE${Date.now().toString(36).toUpperCase()}`;
  // A paused batch elsewhere (as earlier specs can leave): its waiting jobs keep the stats header
  // polling every 2 s while nothing runs, so the page re-renders far more often than the list's
  // 15 s poll. That poll must still come.
  const waiting = await uploadBatch(request, { files: 20, prefix: `${prefix}HELD`, size: 700, pipelines: 3 });
  expect((await request.post(`/api/batches/${waiting.id}/pause`)).status()).toBe(200);
  await waitForBatch(request, waiting.id, (b) => b.status === "paused" && b.total_jobs - b.completed_jobs - b.failed_jobs > 0);
  const context = await browser.newContext({ baseURL, storageState: test.info().project.use.storageState });
  try {
    const page = await context.newPage();
    await page.route("**/api/events", (route) => route.abort());
    await page.goto(`/?customer_prefix=${prefix}`);
    await expect(page.getByText(/No batches/)).toBeVisible();
    const batch = await uploadBatch(request, { files: 3, prefix });
    const uploaded = Date.now();
    const row = page.locator(`[data-batch-id="${batch.id}"]`);
    // One idle poll (15 s) plus a little: the batch may have finished before the list first sees it.
    await expect(row).toBeVisible({ timeout: 20_000 });
    test.info().annotations.push({ type: "row appeared after", description: `${Date.now() - uploaded} ms` });
    await expect(row).toHaveAttribute("data-status", "completed", { timeout: 20_000 });
    await expect(page.getByTestId("batch-list")).toHaveAttribute("data-live", "false");
  } finally {
    await context.close();
    await request.post(`/api/batches/${waiting.id}/cancel`);
  }
});

test("the stream carries what a separate worker process does, resumes with Last-Event-ID, and sends heartbeats", async () => {
  test.setTimeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-live-"));
  const env = { QUEUE_IN_SERVER: "false", LIVE_POLL_MS: "200", LIVE_HEARTBEAT_S: "1" };
  const server = await startServer(dataDir, env);
  const [command, ...args] = SERVER_ENTRY;
  const worker = spawn(command, [...args.slice(0, -1), path.join(process.cwd(), "features", "worker-start.ts")], {
    env: { ...process.env, ...SERVER_ENV, ...env, DATA_DIR: dataDir },
    stdio: "ignore",
    detached: true,
  });
  const stream = new AbortController();
  try {
    const response = await server.fetch("/api/events", { signal: stream.signal });
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const events = readEvents(response);
    const id = await upload(server, { key: "live-worker-1", files: await makeFiles("LIVEW", 4, 64) });

    const completed = await events.until((e) => e.type === "batch" && e.data.id === id && e.data.status === "completed");
    // Runs are read before batches in each look, so every job's event is in by then.
    expect(events.seen.filter((e) => e.type === "job" && e.data.batch_id === id && e.data.outcome === "completed")).toHaveLength(4);
    // Heartbeats come every LIVE_HEARTBEAT_S (1 s) whether or not anything changes; a small batch can finish sooner.
    await expect.poll(() => events.comments.some((c) => c.startsWith("ping")), { timeout: 5_000 }).toBe(true);
    stream.abort();

    // A reconnect from an earlier id gets the events after it, the batch's completion among them.
    const earlier = events.seen.find((e) => e.type === "batch" && e.data.id === id)!;
    const resumed = readEvents(await server.fetch("/api/events", { headers: { "Last-Event-ID": earlier.id } }));
    const replayed = await resumed.until((e) => e.id === completed.id);
    expect(replayed.data.status).toBe("completed");
    resumed.stop();
  } finally {
    stream.abort();
    if (worker.pid) process.kill(-worker.pid, "SIGTERM");
    await stopServer(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

interface Event {
  id: string;
  type: string;
  data: Record<string, unknown> & { id?: string; status?: string; batch_id?: string; outcome?: string };
}

/** Parses an event stream as it arrives; `until` waits for a matching event. */
function readEvents(response: Response) {
  const seen: Event[] = [];
  const comments: string[] = [];
  const waiters: { match: (e: Event) => boolean; resolve: (e: Event) => void }[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith(": ")) comments.push(block.slice(2));
        const fields = Object.fromEntries(block.split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]));
        if (!fields.event) continue;
        const event = { id: fields.id!, type: fields.event, data: JSON.parse(fields.data!) } as Event;
        seen.push(event);
        for (const w of waiters.splice(0)) {
          if (w.match(event)) w.resolve(event);
          else waiters.push(w);
        }
      }
    }
  })();
  return {
    seen,
    comments,
    stop: () => void reader.cancel().catch(() => undefined),
    until: (match: (e: Event) => boolean) =>
      new Promise<Event>((resolve) => {
        const found = seen.find(match);
        if (found) resolve(found);
        else waiters.push({ match, resolve });
      }),
  };
}
