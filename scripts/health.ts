/**
 * `npm run health [-- --json]`: the last 24 hours of runs (total, completed with its percentage,
 * failed, crashed, crash rate, run times), the five latest crashes with their files, the queue, and
 * the database, data folder and free disk. Exits 1 when health is not ok, so cron and monitors can
 * act on it. Reads DATA_DIR's database directly; the server may be running.
 */
import { formatHealthReport, healthReport } from "@/features/maintenance/health-report";
import { flags, operatorContext, run } from "./cli";

const USAGE = "usage: npm run health [-- --json]";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const asJson = args.includes("--json");
  flags(args.filter((arg) => arg !== "--json"), []);
  const report = await healthReport(operatorContext());
  console.log(asJson ? JSON.stringify(report) : formatHealthReport(report));
  if (report.status !== "ok") process.exitCode = 1;
}

run(main, USAGE);
