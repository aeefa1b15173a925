/** Every SQL statement of the watch folder; see docs/ARCHITECTURE.md for the data-access rule. */
import type { AppDb } from "@/db/client";
import { statement } from "@/db/statements";

/** An active user by id or email (WATCH_OWNER), else the oldest active admin. */
export function findWatchOwner(db: AppDb, wanted: string | undefined): { id: string; email: string } | undefined {
  if (wanted) {
    return statement(db.$client, "SELECT id, email FROM users WHERE (id = ? OR email = lower(?)) AND disabled_at IS NULL").get(wanted, wanted) as
      | { id: string; email: string }
      | undefined;
  }
  return statement(db.$client, "SELECT id, email FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY created_at, id LIMIT 1").get() as
    | { id: string; email: string }
    | undefined;
}

/**
 * The batch an ingest already created, whatever its age: the ingest's id is its Idempotency-Key,
 * so a restart after the commit finds it instead of making a second batch.
 */
export function findIngestedBatch(db: AppDb, key: string): { id: string; name: string } | undefined {
  return statement(db.$client, "SELECT id, base_directory_name AS name FROM batches WHERE idempotency_key = ?").get(key) as
    | { id: string; name: string }
    | undefined;
}

/** Live pipelines by slug: a subfolder named after one is watched for it. */
export function selectLivePipelineSlugs(db: AppDb): { id: string; slug: string; name: string }[] {
  return statement(db.$client, "SELECT id, slug, name FROM pipelines WHERE archived_at IS NULL ORDER BY created_at").all() as {
    id: string;
    slug: string;
    name: string;
  }[];
}
