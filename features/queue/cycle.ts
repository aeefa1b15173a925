import type Database from "better-sqlite3";
import { refreshBatch } from "./batch-status";
import { claimReady, type ClaimedRun, type ClaimOptions } from "./claim";
import { applyFinish } from "./finish";
import type { Decision } from "./outcome";

export interface Settling {
  run: ClaimedRun;
  decision: Decision;
}

/**
 * One dispatch cycle in ONE IMMEDIATE transaction: write the runs that ended since the last
 * cycle (each under its lease), then claim into the slots that freed up, then refresh each
 * touched batch once. Commits, not statements, are what a SQLite queue pays for; folding the
 * finishes and claims of a tick into one commit is what lets it drain thousands of jobs a second
 * (bench/queue.ts) while every commit still leaves counters equal to the jobs.
 * Returns, per settling run, whether it was written (false: lease lost), and the new runs.
 */
export function settleAndClaim(
  sqlite: Database.Database,
  now: number,
  settling: Settling[],
  claim: Omit<ClaimOptions, "now"> | undefined,
): CycleResult {
  return cycleTransaction(sqlite).immediate(now, settling, claim);
}

type CycleResult = { written: boolean[]; claimed: ClaimedRun[] };
type CycleTransaction = Database.Transaction<(now: number, settling: Settling[], claim: Omit<ClaimOptions, "now"> | undefined) => CycleResult>;

/** Built once per connection: wrapping a function in a transaction costs more than a small cycle's statements. */
const transactions = new WeakMap<Database.Database, CycleTransaction>();

function cycleTransaction(sqlite: Database.Database): CycleTransaction {
  let transaction = transactions.get(sqlite);
  if (!transaction) {
    transaction = sqlite.transaction((now: number, settling: Settling[], claim: Omit<ClaimOptions, "now"> | undefined) => {
      const touched = new Set<string>();
      const written = settling.map(({ run, decision }) => {
        const ok = applyFinish(sqlite, run, decision, now);
        if (ok) touched.add(run.job.batchId);
        return ok;
      });
      const claimed = claim && claim.limit > 0 ? claimReady(sqlite, { ...claim, now }) : [];
      for (const c of claimed) touched.add(c.job.batchId);
      for (const batchId of touched) refreshBatch(sqlite, batchId, now);
      return { written, claimed };
    });
    transactions.set(sqlite, transaction);
  }
  return transaction;
}
