/**
 * `npm run recover [-- --json]`: gives the work of dead workers and expired leases back to the queue
 * now (what a starting server does), as seed 003's `/batch/recover` and seed 002's crash detection.
 * With RECOVERY_MODE=pause their batches come back paused for review. Safe while the server runs:
 * only jobs whose worker is gone or whose lease ran out are touched.
 */
import { recoverOrphanedJobs } from "@/features/queue/recover";
import { flags, operatorContext, run } from "./cli";

const USAGE = "usage: npm run recover [-- --json]";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const asJson = args.includes("--json");
  flags(args.filter((arg) => arg !== "--json"), []);
  const ctx = operatorContext();
  const report = recoverOrphanedJobs(ctx);
  if (asJson) return console.log(JSON.stringify({ ...report, recovery_mode: ctx.config.RECOVERY_MODE }));
  console.log(
    [
      `Recovered ${report.recovered_count} job${report.recovered_count === 1 ? "" : "s"} in ${report.recovered_batch_ids.length} batch(es); ${report.failed_count} failed for crashing their worker too often.`,
      ...(report.paused_batch_ids.length > 0 ? [`Paused for review (RECOVERY_MODE=pause): ${report.paused_batch_ids.join(", ")}`] : []),
    ].join("\n"),
  );
}

run(main, USAGE);
