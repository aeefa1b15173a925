/**
 * `npm run cleanup [-- --days-old N] [--json]`: retention cleanup now (seed 002's `rake
 * batch_tracking:cleanup`): finished, unpinned batches older than N days (default RETENTION_DAYS)
 * go with their files; older attempt rows are pruned after the run history kept their days.
 * Meant for when the server is stopped or between its own hourly runs (docs/operations.md).
 */
import { runCleanup } from "@/features/maintenance/retention";
import { AppError } from "@/features/shared/errors";
import { bytes } from "@/features/maintenance/health-report";
import { flags, operatorContext, run } from "./cli";

const USAGE = "usage: npm run cleanup -- [--days-old N] [--json]";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const asJson = args.includes("--json");
  const { values } = flags(args.filter((arg) => arg !== "--json"), ["days-old"]);
  const daysOld = values["days-old"] === undefined ? undefined : Number(values["days-old"]);
  if (daysOld !== undefined && !(Number.isFinite(daysOld) && daysOld >= 0)) throw new AppError("validation_failed", `--days-old is a number of days (0 or more).\n${USAGE}`);
  const result = await runCleanup(operatorContext(), { days_old: daysOld });
  if (asJson) return console.log(JSON.stringify(result));
  console.log(
    [
      `Deleted ${result.cleaned_count} batch${result.cleaned_count === 1 ? "" : "es"} finished before ${result.cutoff} (older than ${result.days_old} days), freeing ${bytes(result.freed_bytes)}.`,
      `Pruned ${result.pruned_attempts} attempt rows and ${result.pruned_rate_limit_events} upload events; removed ${result.stray_files_removed} stray files.`,
      `Run history: ${result.history_days_rolled_up} ended days rolled up. Took ${result.duration_ms} ms.`,
    ].join("\n"),
  );
}

run(main, USAGE);
