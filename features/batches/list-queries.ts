import type Database from "better-sqlite3";
import { and, asc, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { AppDb } from "@/db/client";
import { BATCH_PRIORITY_VALUE_SQL, BATCH_PROGRESS_SQL, batches, type BatchRow } from "@/db/schema";
import { statement } from "@/db/statements";
import type { ListBatchesQuery, SortColumn } from "./schemas";
import { ftsQuery } from "./search";

/**
 * The batch list's SQL (GET /api/batches): the one query of the batches feature built at run time,
 * from the filters and the sort, with the drizzle builder. The feature's other queries modules are
 * queries.ts, detail-queries.ts and stats-queries.ts. features/batches/plans.test.ts checks the
 * plans of what runs here.
 */

/**
 * Sort keys. Every key has an index that ends in created_at (and the implicit rowid), and the ORDER
 * BY names the same columns, so SQLite walks the index and stops at LIMIT: no temp B-tree. The two
 * expressions must stay textually identical to their index definitions in db/schema.ts.
 */
const SORT_KEYS: Record<SortColumn, SQL[]> = {
  created_at: [sql`"created_at"`],
  batch_date: [sql`"batch_date"`, sql`"created_at"`],
  base_directory_name: [sql`"base_directory_name"`],
  priority: [sql.raw(BATCH_PRIORITY_VALUE_SQL), sql`"created_at"`],
  status: [sql`"status"`, sql`"created_at"`],
  total_files: [sql`"total_files"`, sql`"created_at"`],
  total_size: [sql`"total_size"`, sql`"created_at"`],
  progress: [sql.raw(BATCH_PROGRESS_SQL), sql`"created_at"`],
};

const BROAD_SEARCH = 2_000;

/** Start of a YYYY-MM-DD day (plus `days`) in the server's time zone, like batch_date. */
function localMidnight(day: string, days: number): number {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(y, m - 1, d + days).getTime();
}

/**
 * Three priorities are never selective, so the filter must not drive the query and leave a fifth
 * of the table to sort (measured in docs/benchmarks.md): `+` turns its index off and SQLite walks
 * the sort index, skipping other priorities. Counting reads the priority index alone.
 */
function priorityFilter(values: NonNullable<ListBatchesQuery["priority"]>, purpose: "rows" | "count"): SQL {
  return purpose === "count" ? inArray(batches.priority, values) : inArray(sql`+${batches.priority}`, values);
}

/** The single-priority filter that pairs with orderBy's created_at order, using the index. */
function onePriority(query: ListBatchesQuery): SQL | undefined {
  if (query.sort_by === "priority" && query.priority?.length === 1) return eq(batches.priority, query.priority[0]!);
  return undefined;
}

/**
 * The ORDER BY. Sorting by priority while filtering on one priority is sorting by created_at within
 * it, which (priority, created_at) serves directly (SQLite cannot combine an equality on an indexed
 * expression with ordering by it, and would sort).
 */
function orderBy(query: ListBatchesQuery): SQL[] {
  const direction = query.sort_order === "asc" ? asc : desc;
  const keys = query.sort_by === "priority" && query.priority?.length === 1 ? SORT_KEYS.created_at : SORT_KEYS[query.sort_by];
  return [...keys, sql`${batches}.rowid`].map((key) => direction(key));
}

interface Where {
  where: SQL | undefined | "nothing";
  /** The count when it is already known without another query. */
  knownTotal?: number;
}

/**
 * A validated filter value written into the SQL as a literal rather than bound. SQLite plans a
 * statement before it sees bound values, so `status = ?` looks selective even when it matches 70 %
 * of the table, and the query sorts all those rows. With the value in the text, the planner reads
 * its frequency from sqlite_stat4 and walks the sort's index instead, stopping at LIMIT (see
 * docs/benchmarks.md, Query plans), while a rare value still drives the query from its own index.
 * Only values that passed the query schema (enum members, `PL_DXB`-style prefixes, YYYY-MM-DD
 * dates, integers) get here; the pattern below is checked again so nothing else can.
 */
function literal(value: string | number): SQL {
  const text = String(value);
  const safe = typeof value === "number" ? Number.isSafeInteger(value) : /^[A-Za-z0-9_-]+$/.test(text);
  if (!safe) throw new Error(`not a safe SQL literal: ${text}`);
  return sql.raw(typeof value === "number" ? text : `'${text}'`);
}

function whereClause(db: AppDb, query: ListBatchesQuery, purpose: "rows" | "count"): Where {
  const conditions: (SQL | undefined)[] = [
    query.status ? sql`${batches.status} IN (${sql.join(query.status.map(literal), sql`, `)})` : undefined,
    query.customer_prefix ? sql`${batches.customerPrefix} = ${literal(query.customer_prefix)}` : undefined,
    query.owner ? eq(batches.owner, query.owner) : undefined,
    query.external_ref ? eq(batches.externalRef, query.external_ref) : undefined,
    // No index: the sort's index is walked and rows skipped, stopping at LIMIT (plans.test.ts).
    query.has_failures === undefined ? undefined : query.has_failures ? sql`${batches.failedJobs} > 0` : sql`${batches.failedJobs} = 0`,
    query.priority ? onePriority(query) ?? priorityFilter(query.priority, purpose) : undefined,
    query.date_from ? sql`${batches.batchDate} >= ${literal(query.date_from)}` : undefined,
    query.date_to ? sql`${batches.batchDate} <= ${literal(query.date_to)}` : undefined,
    // batch_date is the local day of created_at, so the same range on created_at is implied; saying
    // it lets the created_at index serve date ranges sorted by time instead of sorting the range.
    query.date_from ? sql`${batches.createdAt} >= ${literal(localMidnight(query.date_from, 0))}` : undefined,
    query.date_to ? sql`${batches.createdAt} < ${literal(localMidnight(query.date_to, 1))}` : undefined,
  ];
  if (query.q !== undefined) {
    const match = ftsQuery(query.q);
    if (!match) return { where: "nothing" };
    const matches = countSearchMatches(db.$client, match);
    // A narrow search drives the query from the FTS hits and sorts the few rows; a broad one
    // (`+rowid` disables the rowid lookup) walks the sort index and probes the hit set instead.
    const rowid = matches <= BROAD_SEARCH || purpose === "count" ? sql`${batches}.rowid` : sql`+${batches}.rowid`;
    conditions.push(sql`${rowid} IN (SELECT rowid FROM batch_search WHERE batch_search MATCH ${match})`);
    const onlyQ = conditions.filter(Boolean).length === 1;
    return { where: and(...conditions), knownTotal: onlyQ ? matches : undefined };
  }
  return { where: and(...conditions) };
}

/** How many batches a search matches (FTS doclists only, no table access). */
function countSearchMatches(sqlite: Database.Database, match: string): number {
  return (statement(sqlite, "SELECT count(*) AS n FROM batch_search WHERE batch_search MATCH ?").get(match) as { n: number }).n;
}

/** One page of matching batches, and their count when it is known without another query. */
export function selectBatchPage(db: AppDb, query: ListBatchesQuery): { rows: BatchRow[]; knownTotal?: number } {
  const { where, knownTotal } = whereClause(db, query, "rows");
  if (where === "nothing") return { rows: [], knownTotal: 0 };
  const rows = db
    .select()
    .from(batches)
    .where(where)
    .orderBy(...orderBy(query))
    .limit(query.limit)
    .offset(query.offset)
    .all();
  return { rows, knownTotal };
}

/** count(*) of the matching batches, on the smallest covering index. */
export function countMatchingBatches(db: AppDb, query: ListBatchesQuery): number {
  const { where } = whereClause(db, query, "count");
  if (where === "nothing") return 0;
  const [row] = db.select({ n: sql<number>`count(*)` }).from(batches).where(where).all();
  return row?.n ?? 0;
}

/**
 * Ids and names of the batches a filter matches, oldest first, at most `max` (one more tells the
 * caller there were too many). Bulk actions take this snapshot once and act on it in chunks.
 */
export function selectMatchingBatchRefs(db: AppDb, query: ListBatchesQuery, max: number): { id: string; name: string }[] {
  const { where } = whereClause(db, query, "count");
  if (where === "nothing") return [];
  return db
    .select({ id: batches.id, name: batches.baseDirectoryName })
    .from(batches)
    .where(where)
    .orderBy(asc(batches.createdAt))
    .limit(max + 1)
    .all();
}
