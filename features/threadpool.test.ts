import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PREVIEW_SLOTS } from "./pipelines/preview";
import { THUMBNAIL_SLOTS } from "./pipelines/thumbnails";

const PRELOAD = path.join(process.cwd(), "features", "threadpool.cjs");
const preload = createRequire(import.meta.url)(PRELOAD) as { IMAGE_SLOTS_BESIDES_JOBS: number };

/** UV_THREADPOOL_SIZE as a process started with the preload sees it. */
function poolSize(env: Record<string, string>): string {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== "UV_THREADPOOL_SIZE" && key !== "QUEUE_CONCURRENCY"));
  return execFileSync(process.execPath, ["-r", PRELOAD, "-e", "process.stdout.write(process.env.UV_THREADPOOL_SIZE)"], { env: { ...clean, ...env } as NodeJS.ProcessEnv }).toString();
}

describe("libuv pool size preload", () => {
  it("leaves file I/O threads beside every image operation that can run at once", () => {
    expect(preload.IMAGE_SLOTS_BESIDES_JOBS).toBe(PREVIEW_SLOTS + THUMBNAIL_SLOTS);
    expect(poolSize({})).toBe("16");
    expect(poolSize({ QUEUE_CONCURRENCY: "12" })).toBe("20");
    expect(poolSize({ UV_THREADPOOL_SIZE: "5", QUEUE_CONCURRENCY: "12" })).toBe("5");
  });
});
