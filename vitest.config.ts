import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname) } },
  test: {
    include: ["features/**/*.test.ts", "db/**/*.test.ts", "scripts/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Child processes (workers, servers) must not pause on whatever else loads the machine.
    env: { LOG_LEVEL: "silent", THROTTLE: "off" },
    // One temp folder per run, removed at the end (test/global-setup.ts).
    globalSetup: ["test/global-setup.ts"],
  },
});
