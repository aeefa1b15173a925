import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Every temp file of one `vitest` run goes in a folder of its own (TMPDIR, which os.tmpdir() and
 * every process the tests start read), removed when the run ends, also after failures or a test
 * that forgot its cleanup. Suites still remove what they create; this is the net under them.
 */
export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-vitest-"));
  process.env.TMPDIR = dir;
  return () => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  };
}
