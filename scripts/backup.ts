/**
 * `npm run backup -- <destination file>`: a consistent copy of DATA_DIR/db.sqlite, safe while the
 * server runs. Prints one JSON line {destination, bytes, pages, ms}; any refusal is one line on
 * stderr and exit code 1. Files (inputs/, outputs/) are copied separately, after this (README).
 */
import { backupDatabase, BackupError } from "@/features/maintenance/backup";
import { ConfigError, getConfig } from "@/features/shared/config";
import { dataPaths } from "@/features/shared/paths";

async function main(args: string[]): Promise<void> {
  const rest = args.filter((arg) => arg !== "--");
  if (rest.length !== 1 || !rest[0]!.trim()) throw new BackupError("usage: npm run backup -- <destination file>");
  const result = await backupDatabase(dataPaths(getConfig().dataDir).db, rest[0]!);
  console.log(JSON.stringify(result));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (!(error instanceof BackupError || error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
});
