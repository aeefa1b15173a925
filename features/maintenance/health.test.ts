import fs from "node:fs";
import os from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { BOOT_ID } from "@/features/queue/workers";
import { createTestContext, type TestContext } from "@/test/fixtures";
import { getHealth } from "./health";

let ctx: TestContext;
afterEach(() => ctx.cleanup());

function addWorker(id: string, heartbeatAgoMs: number, pid = process.pid) {
  const now = ctx.clock.now();
  ctx.db.$client
    .prepare("INSERT INTO workers (id, boot_id, pid, hostname, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)")
    .run(id, BOOT_ID, pid, os.hostname(), now - 60_000, now - heartbeatAgoMs);
}

describe("health", () => {
  it("reports the database, workers with a fresh heartbeat and free disk space", () => {
    ctx = createTestContext({ LEASE_S: "30", QUEUE_IN_SERVER: "false" });
    addWorker("alive", 2_000);
    addWorker("silent", 120_000);
    const health = getHealth(ctx);
    expect(health.db).toEqual({ ok: true });
    expect(health.queue.workers_alive).toBe(1);
    expect(health.queue.workers.map((w) => w.id)).toEqual(["alive"]);
    expect(health.disk!.free_bytes).toBeGreaterThan(0);
    expect(health.disk!.path).toBe(ctx.paths.root);
    // A separate worker process is heartbeating, so the install is usable.
    expect(health.status).toBe("ok");
  });

  it("is degraded when no worker is alive where one is expected, or the disk is nearly full", () => {
    ctx = createTestContext({ QUEUE_IN_SERVER: "false", DISK_FREE_WARN_MB: String(1024 * 1024 * 1024) });
    const health = getHealth(ctx);
    expect(health.queue.workers_alive).toBe(0);
    expect(health.disk!.warn).toBe(true);
    expect(health.status).toBe("degraded");
  });

  it("says the database is down instead of throwing", () => {
    ctx = createTestContext();
    ctx.db.$client.close();
    const health = getHealth(ctx);
    expect(health.db.ok).toBe(false);
    expect(health.status).toBe("degraded");
    const dir = ctx.paths.root;
    ctx.cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  });
});
