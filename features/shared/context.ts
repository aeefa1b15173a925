import os from "node:os";
import { randomUUID } from "node:crypto";
import { openDatabase, type AppDb } from "@/db/client";
import { getConfig, type Config } from "./config";
import { systemClock, type Clock } from "./clock";
import { createLogger, type Logger } from "./logger";
import { dataPaths, ensureDataDirs, type DataPaths } from "./paths";

/** Everything domain code needs from the process, passed explicitly so tests can build their own. */
export interface AppContext {
  db: AppDb;
  config: Config;
  clock: Clock;
  log: Logger;
  paths: DataPaths;
  /** Identifies this process in `workers` and job leases. */
  workerId: string;
}

export function createContext(config: Config, overrides: Partial<AppContext> = {}): AppContext {
  const paths = dataPaths(config.dataDir);
  const access = ensureDataDirs(paths);
  const log = overrides.log ?? createLogger(config.LOG_LEVEL);
  if (access.openToOthers) {
    log.warn({ dataDir: paths.root, mode: access.openToOthers }, "DATA_DIR is readable by other users of this machine; run `chmod 700` on it unless that is intended");
  }
  return {
    config,
    paths,
    db: overrides.db ?? openDatabase(paths.db),
    clock: overrides.clock ?? systemClock,
    log,
    workerId: overrides.workerId ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
  };
}

// Next.js may load route modules more than once per process; keep the context on globalThis.
const holder = globalThis as unknown as { __batchyardContext?: AppContext };

/** The process-wide context: one database connection, one config. */
export function getContext(): AppContext {
  holder.__batchyardContext ??= createContext(getConfig());
  return holder.__batchyardContext;
}
