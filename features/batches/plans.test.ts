import type { Statement } from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDatabase } from "@/scripts/seed";
import { createTestContext, type TestContext } from "@/test/fixtures";
import { runCleanup } from "@/features/maintenance/retention";
import { listBatches } from "./list";
import { listBatchesQuerySchema, SORT_COLUMNS } from "./schemas";

/**
 * The list's queries are served from indexes, read off EXPLAIN QUERY PLAN of each
 * statement listBatches runs: with no filter, a priority or a common status, SQLite walks the
 * sort's index and stops at LIMIT; a selective filter (a rare status, a customer, a date range, a
 * narrow search) drives the query from its own index or the FTS hits and sorts only those rows.
 * Nothing ever sorts the whole table.
 */

interface Ran {
  sql: string;
  params: unknown[];
}

let ctx: TestContext;
let ran: Ran[] = [];
let rawPrepare: ReturnType<typeof recordStatements>;

/** Records every statement the app runs on this connection, with its parameters. */
function recordStatements(tc: TestContext) {
  const client = tc.db.$client;
  const prepare = client.prepare.bind(client);
  client.prepare = ((source: string) => {
    const statement = prepare(source);
    const wrap = (stmt: Statement): Statement =>
      new Proxy(stmt, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver) as unknown;
          if (typeof value !== "function") return value;
          if (key === "all" || key === "get" || key === "iterate" || key === "run") {
            return (...params: unknown[]) => {
              ran.push({ sql: source, params });
              return (value as (...a: unknown[]) => unknown).apply(target, params);
            };
          }
          if (key === "raw" || key === "pluck" || key === "expand" || key === "safeIntegers") {
            return (...args: unknown[]) => {
              (value as (...a: unknown[]) => unknown).apply(target, args);
              return wrap(target);
            };
          }
          return (value as (...a: unknown[]) => unknown).bind(target);
        },
      });
    return wrap(statement);
  }) as typeof client.prepare;
  return prepare;
}

beforeAll(() => {
  ctx = createTestContext();
  // Seeded like a real install: most batches completed, a few in flight; seeding ends with ANALYZE,
  // the statistics refreshPlannerStatistics gives a real database (see the retention test below).
  seedDatabase(ctx.db, { batches: 3000, filesPerBatch: 2, seed: 5, now: ctx.clock.now() });
  rawPrepare = recordStatements(ctx);
});
afterAll(() => ctx.cleanup());

/** The query plan of every statement on `batches` that listBatches runs for this query. */
function plansOf(query: Record<string, string>): { sql: string; plan: string }[] {
  ran = [];
  listBatches(ctx, listBatchesQuerySchema.parse(query));
  return ran
    .filter((r) => /\bfrom "batches"/i.test(r.sql))
    .map((r) => ({
      sql: r.sql,
      plan: (rawPrepare(`EXPLAIN QUERY PLAN ${r.sql}`).all(...(r.params as never[])) as { detail: string }[]).map((p) => p.detail).join(" / "),
    }));
}

const sorts = SORT_COLUMNS.flatMap((sort_by) => (["asc", "desc"] as const).map((sort_order) => ({ sort_by, sort_order })));
const sortsTemp = (plan: string) => plan.includes("TEMP B-TREE");

describe("list query plans", () => {
  it("with no filter, or only priorities, every sort walks its index and stops at LIMIT", () => {
    for (const filter of [{}, { priority: "high" }, { priority: "high,low" }] as Record<string, string>[]) {
      for (const sort of sorts) {
        for (const { plan } of plansOf({ ...filter, ...sort })) expect(plan, JSON.stringify({ filter, sort })).not.toMatch(/TEMP B-TREE/);
      }
    }
  });

  it("a status most batches have walks the sort's index too instead of sorting the matches", () => {
    const { n: completed } = ctx.db.$client.prepare("SELECT count(*) AS n FROM batches WHERE status = 'completed'").get() as { n: number };
    expect(completed / 3000).toBeGreaterThan(0.5); // the premise: completed is the common status
    for (const status of ["completed", "completed,failed"]) {
      for (const sort of sorts) {
        const [rows] = plansOf({ status, ...sort });
        expect(rows!.plan, JSON.stringify({ status, sort })).not.toMatch(/TEMP B-TREE/);
      }
    }
  });

  it("a rare status drives the query from its index and sorts only those rows", () => {
    for (const sort of sorts.filter((s) => s.sort_by !== "status" && s.sort_by !== "created_at")) {
      const [rows] = plansOf({ status: "processing", ...sort });
      expect(rows!.plan, JSON.stringify(sort)).toMatch(/SEARCH batches USING INDEX batches_status_created_at_idx \(status=\?\)/);
    }
  });

  it("a retention run gives a database without statistics the ones these plans need", async () => {
    const sqlite = ctx.db.$client;
    const plan = () => plansOf({ status: "completed", sort_by: "batch_date", sort_order: "desc" })[0]!.plan;
    sqlite.exec("DELETE FROM sqlite_stat1; DELETE FROM sqlite_stat4; ANALYZE sqlite_schema;");
    expect(plan()).toMatch(/TEMP B-TREE/); // without statistics the common status drives the query and sorts
    await runCleanup(ctx, { days_old: 36_500 });
    expect((sqlite.prepare("SELECT count(*) AS n FROM sqlite_stat4 WHERE tbl = 'batches'").get() as { n: number }).n).toBeGreaterThan(0);
    expect(plan()).not.toMatch(/TEMP B-TREE/);
  });

  it("batches with failures walk the sort's index and skip the rest, for every sort", () => {
    const { n } = ctx.db.$client.prepare("SELECT count(*) AS n FROM batches WHERE failed_jobs > 0").get() as { n: number };
    expect(n).toBeGreaterThan(0); // the premise: some seeded batches have failures
    for (const filter of [{ has_failures: "true" }, { has_failures: "true", priority: "high" }, { has_failures: "false" }] as Record<string, string>[]) {
      for (const sort of sorts) {
        const [rows] = plansOf({ ...filter, ...sort });
        expect(rows!.plan, JSON.stringify({ filter, sort })).not.toMatch(/TEMP B-TREE/);
      }
    }
  });

  it("whatever the filters, a sort never runs over the whole table", () => {
    const filters: Record<string, string>[] = [
      { status: "processing" },
      { status: "pending,processing,paused" },
      { customer_prefix: "PL_DXB" },
      { date_from: "2026-10-01", date_to: "2026-10-31" },
      { status: "completed,failed", customer_prefix: "PL_DXB", priority: "normal" },
      { q: "terrace" },
      { has_failures: "true", status: "completed" },
      { has_failures: "true", customer_prefix: "PL_DXB" },
    ];
    for (const filter of filters) {
      for (const sort of sorts) {
        for (const { plan } of plansOf({ ...filter, ...sort })) {
          // A temp B-tree is fine over rows a filter's index or the search's hits found, never after a full scan.
          if (sortsTemp(plan)) {
            expect(plan, JSON.stringify({ filter, sort })).not.toMatch(/SCAN batches(?! USING (COVERING )?INDEX)/);
            expect(plan, JSON.stringify({ filter, sort })).toMatch(/^SEARCH batches USING|batch_search VIRTUAL TABLE INDEX/);
          }
        }
      }
    }
  });
});
