import fs from "node:fs";
import path from "node:path";

export interface DataPaths {
  root: string;
  db: string;
  tmp: string;
  inputs: string;
  outputs: string;
  thumbs: string;
}

/** The fixed layout of DATA_DIR (docs/operations.md, Where data lives). */
export function dataPaths(dataDir: string): DataPaths {
  const root = path.resolve(dataDir);
  return {
    root,
    db: path.join(root, "db.sqlite"),
    tmp: path.join(root, "tmp"),
    inputs: path.join(root, "inputs"),
    outputs: path.join(root, "outputs"),
    thumbs: path.join(root, "thumbs"),
  };
}

export function ensureDataDirs(paths: DataPaths): void {
  for (const dir of [paths.root, paths.tmp, paths.inputs, paths.outputs, paths.thumbs]) {
    fs.mkdirSync(dir, { recursive: true });
  }
}

/** Resolves a storage key (relative to DATA_DIR) and refuses anything that escapes it. */
export function resolveKey(paths: DataPaths, key: string): string {
  const full = path.resolve(paths.root, key);
  if (!full.startsWith(paths.root + path.sep)) throw new Error(`storage key escapes DATA_DIR: ${key}`);
  return full;
}
