import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addPipeline, createTestContext, seedBatch, type TestContext } from "@/test/fixtures";
import { readAll } from "@/test/zip";
import { openBatchDownload } from "./service";

/**
 * A batch ZIP with hostile names, extracted by real tools: Info-ZIP `unzip` and Python's zipfile.
 * Fullwidth `／` `＼` `．` are separators and dots to Windows "best-fit" extractors, so names are
 * judged after NFKC; whatever a name holds, every file must land inside the target folder.
 */

const HOSTILE = [
  "．．／．．／escape-fullwidth.png",
  "..／..／mixed.png",
  "．．＼．．＼windows-fullwidth.png",
  "../../etc/passwd.png",
  "..\\..\\win.png",
  "/abs.png",
  "C:\\boot.png",
  "．．",
  "..",
  "ａｂｃ／ｄｅｆ.png",
  "\u2024\u2024/one-dot-leaders.png",
  "﹒﹒／small-full-stops.png",
];

let ctx: TestContext;
let work: string;
beforeEach(() => {
  ctx = createTestContext();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-extract-"));
});
afterEach(() => {
  ctx.cleanup();
  fs.rmSync(work, { recursive: true, force: true });
});

/** Every file and folder under `dir`, as absolute paths. */
function walk(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map((entry) => path.join(dir, String(entry)));
}

function extractWith(tool: "unzip" | "python", archive: string, target: string): void {
  fs.mkdirSync(target, { recursive: true });
  try {
    if (tool === "unzip") execFileSync("unzip", ["-o", "-q", archive, "-d", target], { stdio: "pipe" });
    else execFileSync("python3", ["-m", "zipfile", "-e", archive, target], { stdio: "pipe" });
  } catch (error) {
    // unzip exits 1 for warnings only; anything else is a failed extraction.
    if (tool !== "unzip" || (error as { status?: number }).status !== 1) throw error;
  }
}

describe("batch ZIP extracted by real tools", () => {
  it.each(["unzip", "python"] as const)("%s puts every entry of a hostile batch inside the target folder", async (tool) => {
    const pipeline = addPipeline(ctx, "Web PNG");
    const batch = seedBatch(ctx, {
      baseName: "．．／．．／batch-root",
      jobs: HOSTILE.map((name, i) => ({ file: `${i}.png`, pipelineId: pipeline, output: Buffer.from(`out-${i}`), outputName: name })),
    });
    const archive = path.join(work, "batch.zip");
    fs.writeFileSync(archive, await readAll((await openBatchDownload(ctx, batch.batchId)).body));

    const sandbox = path.join(work, "sandbox");
    const target = path.join(sandbox, "target");
    extractWith(tool, archive, target);

    const everything = walk(sandbox);
    for (const entry of everything) {
      expect(fs.realpathSync(entry) === target || fs.realpathSync(entry).startsWith(target + path.sep), entry).toBe(true);
    }
    // Nothing next to the target either, and nothing beside the archive but the sandbox.
    expect(fs.readdirSync(sandbox)).toEqual(["target"]);
    expect(fs.readdirSync(work).sort()).toEqual(["batch.zip", "sandbox"]);
    const files = everything.filter((entry) => fs.statSync(entry).isFile());
    expect(files).toHaveLength(HOSTILE.length + 1); // every output, plus the manifest
    // One folder holds it all: no entry name kept a separator after normalising.
    expect(new Set(files.map((file) => path.dirname(file))).size).toBe(1);
    for (const file of files) expect(path.basename(file)).not.toMatch(/^\.|[／＼．﹒\u2024]/u);
  });
});
