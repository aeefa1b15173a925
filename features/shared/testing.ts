import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "@/db/client";
import { manualClock } from "./clock";
import { parseConfig } from "./config";
import { createContext, type AppContext } from "./context";
import { createLogger } from "./logger";

export type TestContext = AppContext & {
  clock: ReturnType<typeof manualClock>;
  cleanup: () => void;
};

/**
 * A fresh DATA_DIR in the OS temp folder with a new database built by the real migrations.
 * `env` sets configuration exactly as the server would read it.
 */
export function createTestContext(env: Record<string, string> = {}): TestContext {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-test-"));
  const config = parseConfig({ LOG_LEVEL: "silent", UPLOAD_RATE_LIMIT: "off", ...env, DATA_DIR: dataDir });
  const clock = manualClock();
  const ctx = createContext(config, {
    db: openDatabase(path.join(dataDir, "db.sqlite")),
    clock,
    log: createLogger(config.LOG_LEVEL),
    workerId: `test-worker-${process.pid}`,
  });
  return {
    ...ctx,
    clock,
    cleanup: () => {
      ctx.db.$client.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
