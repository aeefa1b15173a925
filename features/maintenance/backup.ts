import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

export interface BackupResult {
  destination: string;
  bytes: number;
  pages: number;
  ms: number;
}

/** A refusal the command line prints as one line (exit 1). */
export class BackupError extends Error {}

/**
 * Copies the database at `source` to `destination` with SQLite's online backup API, which reads
 * one consistent snapshot while the server keeps writing (WAL: writers are never blocked).
 *
 * The copy is written beside the destination under a temp name, fsynced and renamed into place,
 * so a crash or a full disk never leaves a half-written file where a good backup used to be.
 */
export async function backupDatabase(source: string, destination: string): Promise<BackupResult> {
  const started = performance.now();
  const target = path.resolve(destination);
  checkDestination(path.resolve(source), target);

  const db = openSource(source);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    const result = await db.backup(temp, {
      // The first step only sizes the copy; then take every page in ONE step. Several small steps
      // would restart from scratch whenever the server commits between them (SQLite backup rules),
      // which on a busy queue could mean never finishing. One step is one read transaction.
      progress: () => 0x7fffffff,
    });
    syncFile(temp);
    fs.renameSync(temp, target);
    syncFile(path.dirname(target));
    return {
      destination: target,
      bytes: fs.statSync(target).size,
      pages: result.totalPages,
      ms: Math.round(performance.now() - started),
    };
  } catch (error) {
    fs.rmSync(temp, { force: true });
    fs.rmSync(`${temp}-journal`, { force: true });
    if (error instanceof BackupError) throw error;
    throw new BackupError(`backup to ${target} failed: ${(error as Error).message}`, { cause: error });
  } finally {
    db.close();
  }
}

function openSource(source: string): Database.Database {
  if (!fs.existsSync(source)) throw new BackupError(`no database at ${source} (is DATA_DIR right?)`);
  // A plain connection: no migrations, nothing written. busy_timeout rides out the server's commits.
  const db = new Database(source, { fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  return db;
}

function checkDestination(source: string, target: string): void {
  const dir = path.dirname(target);
  if (target === source || target.startsWith(`${source}-`)) {
    throw new BackupError(`destination ${target} is the live database; choose another file`);
  }
  if (!fs.existsSync(dir)) throw new BackupError(`destination folder ${dir} does not exist`);
  if (!fs.statSync(dir).isDirectory()) throw new BackupError(`destination folder ${dir} is not a folder`);
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
    throw new BackupError(`destination ${target} is a folder; give a file name, e.g. ${path.join(target, "db.sqlite")}`);
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new BackupError(`destination folder ${dir} is not writable`);
  }
}

function syncFile(file: string): void {
  const fd = fs.openSync(file, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
