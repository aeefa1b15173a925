import fs from "node:fs";
import path from "node:path";

export interface DataPaths {
  root: string;
  db: string;
  tmp: string;
  inputs: string;
  outputs: string;
  thumbs: string;
  /** Watermarks and other images pipelines use, by content (features/assets). */
  assets: string;
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
    assets: path.join(root, "assets"),
  };
}

/** DATA_DIR holds every upload, output and password hash: only its owner may read any of it. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export interface DataDirAccess {
  /** The mode of a DATA_DIR that already existed and lets other users in (group or world bits); else null. */
  openToOthers: string | null;
}

/**
 * Creates the layout owner-only (0700 folders, an empty 0600 database file for SQLite to fill; its
 * WAL and shared-memory files take the database's mode) and sets the process umask to 077, so the
 * files sharp, SQLite and Next.js write later are 0600 without each caller asking. An existing
 * DATA_DIR keeps the mode its operator gave it; it is reported, not changed.
 */
export function ensureDataDirs(paths: DataPaths): DataDirAccess {
  keepNewFilesPrivate();
  const existing = fs.statSync(paths.root, { throwIfNoEntry: false });
  for (const dir of [paths.root, paths.tmp, paths.inputs, paths.outputs, paths.thumbs, paths.assets]) {
    fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  }
  if (!fs.existsSync(paths.db)) fs.closeSync(fs.openSync(paths.db, "a", PRIVATE_FILE_MODE));
  const open = existing ? existing.mode & 0o077 : 0;
  return { openToOthers: open ? `0${(existing!.mode & 0o777).toString(8)}` : null };
}

function keepNewFilesPrivate(): void {
  try {
    process.umask(0o077);
  } catch {
    // Worker threads cannot change the umask; the modes given explicitly still apply there.
  }
}

/** Resolves a storage key (relative to DATA_DIR) and refuses anything that escapes it. */
export function resolveKey(paths: DataPaths, key: string): string {
  const full = path.resolve(paths.root, key);
  if (!full.startsWith(paths.root + path.sep)) throw new Error(`storage key escapes DATA_DIR: ${key}`);
  return full;
}
