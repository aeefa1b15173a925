export { statement } from "@/db/statements";
import { getTableColumns } from "drizzle-orm";
import { jobs } from "@/db/schema";

/**
 * `"batch_id" AS "batchId", …` for every column of `jobs`, so a raw select returns a JobRow
 * without going through the query builder (derived from the schema, never written twice).
 */
export const JOB_ROW_COLUMNS = Object.entries(getTableColumns(jobs))
  .map(([key, column]) => `"${column.name}" AS "${key}"`)
  .join(", ");
