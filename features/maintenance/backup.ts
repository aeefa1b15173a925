import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { writeAtomically } from "@/features/shared/files";

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
 * The copy is written with writeAtomically (a temp name beside the destination, fsync, rename,
 * then an fsync of the folder), so a crash or a full disk never leaves a half-written file where a
 * good backup used to be.
 */
export async function backupDatabase(source: string, destination: string): Promise<BackupResult> {
  const started = performance.now();
  const target = path.resolve(destination);
  checkDestination(path.resolve(source), target);

  const db = openSource(source);
  try {
    const result = await writeAtomically(target, (temp) => copyDatabase(db, temp), { syncFolder: true });
    return {
      destination: target,
      bytes: fs.statSync(target).size,
      pages: result.totalPages,
      ms: Math.round(performance.now() - started),
    };
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`backup to ${target} failed: ${(error as Error).message}`, { cause: error });
  } finally {
    db.close();
  }
}

/** One consistent snapshot of `db` into `file`; a failed copy leaves no journal of its own behind. */
async function copyDatabase(db: Database.Database, file: string): Promise<Database.BackupMetadata> {
  try {
    return await db.backup(file, {
      // The first step only sizes the copy; then take every page in ONE step. Several small steps
      // would restart from scratch whenever the server commits between them (SQLite backup rules),
      // which on a busy queue could mean never finishing. One step is one read transaction.
      progress: () => 0x7fffffff,
    });
  } catch (error) {
    fs.rmSync(`${file}-journal`, { force: true });
    throw error;
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
