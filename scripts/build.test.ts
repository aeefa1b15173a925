import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildIsCurrent, distDir, sourceHash, STAMP_FILE } from "./build";

/** When `npm start` may skip the build: a content hash of the build's inputs, on a fixture tree. */

let root: string;
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function project(): string {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-build-"));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  write("app/page.tsx", "export default function Page() { return null; }");
  write("features/queue/engine.ts", "export const x = 1;");
  write("package.json", "{}");
  return root;
}

function stamp(dist: string, hash: string): void {
  fs.mkdirSync(dist, { recursive: true });
  fs.writeFileSync(path.join(dist, "BUILD_ID"), "abc");
  fs.writeFileSync(path.join(dist, STAMP_FILE), `${hash}\n`);
}

describe("the source hash", () => {
  it("changes with a file's contents, not with its timestamp", () => {
    const dir = project();
    const before = sourceHash(dir);
    const file = path.join(dir, "features/queue/engine.ts");
    fs.utimesSync(file, new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect(sourceHash(dir)).toBe(before);
    fs.writeFileSync(file, "export const x = 2;");
    expect(sourceHash(dir)).not.toBe(before);
  });

  it("sees added and renamed files, and ignores tests and files outside the build's inputs", () => {
    const dir = project();
    const before = sourceHash(dir);
    fs.writeFileSync(path.join(dir, "features/queue/engine.test.ts"), "test");
    fs.mkdirSync(path.join(dir, "e2e"));
    fs.writeFileSync(path.join(dir, "e2e/some.spec.ts"), "spec");
    fs.writeFileSync(path.join(dir, "README.md"), "docs");
    expect(sourceHash(dir)).toBe(before);
    fs.renameSync(path.join(dir, "app/page.tsx"), path.join(dir, "app/other.tsx"));
    expect(sourceHash(dir)).not.toBe(before);
  });
});

describe("a current build", () => {
  it("needs BUILD_ID and a stamp equal to the sources' hash", () => {
    const dir = project();
    const dist = distDir(dir, { NEXT_DIST_DIR: ".next-test" });
    expect(dist).toBe(path.join(dir, ".next-test"));
    expect(() => buildIsCurrent(dir, dist)).not.toThrow(); // no build at all: simply not current
    expect(buildIsCurrent(dir, dist)).toBe(false);
    stamp(dist, sourceHash(dir));
    expect(buildIsCurrent(dir, dist)).toBe(true);
    fs.writeFileSync(path.join(dir, "app/page.tsx"), "changed");
    expect(buildIsCurrent(dir, dist)).toBe(false);
  });

  it("defaults to .next", () => {
    expect(distDir("/srv/app", {})).toBe(path.join("/srv/app", ".next"));
  });
});
