import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "./config";
import { createContext, type AppContext } from "./context";
import { writeAtomically } from "./files";
import { createLogger } from "./logger";
import { writeStaged } from "@/features/uploads/staging";

/** Permission bits only. Tests run as root, which reads anything: the modes are what is checked. */
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

let scratch: string;
let ctx: AppContext | undefined;
afterEach(() => {
  ctx?.db.$client.close();
  ctx = undefined;
  fs.rmSync(scratch, { recursive: true, force: true });
});

function contextIn(dataDir: string, warnings: string[] = []): AppContext {
  const config = parseConfig({ DATA_DIR: dataDir, LOG_LEVEL: "silent" });
  const log = createLogger("silent");
  log.warn = ((...args: unknown[]) => void warnings.push(String(args.at(-1)))) as typeof log.warn;
  ctx = createContext(config, { log });
  return ctx;
}

describe("DATA_DIR is private", () => {
  it("creates folders 0700 and the database, staged uploads and published files 0600", async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-private-"));
    const warnings: string[] = [];
    const { paths } = contextIn(path.join(scratch, "data"), warnings);
    for (const dir of [paths.root, paths.tmp, paths.inputs, paths.outputs, paths.thumbs]) expect(modeOf(dir), dir).toBe(0o700);
    expect(modeOf(paths.db)).toBe(0o600);
    expect(modeOf(`${paths.db}-wal`)).toBe(0o600);
    const staged = path.join(paths.tmp, "upload.part");
    await writeStaged(Readable.from([Buffer.from("bytes")]), staged);
    expect(modeOf(staged)).toBe(0o600);
    const output = path.join(paths.outputs, "out.png");
    await writeAtomically(output, async (temp) => fs.promises.writeFile(temp, "x", { mode: 0o644 }));
    expect(modeOf(output)).toBe(0o600);
    expect(warnings).toEqual([]);
  });

  it("warns at start when an existing DATA_DIR is open to other users, and leaves its mode alone", () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-private-"));
    const dataDir = path.join(scratch, "data");
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    const warnings: string[] = [];
    contextIn(dataDir, warnings);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("readable by other users");
    expect(modeOf(dataDir)).toBe(0o755);
  });
});
