import path from "node:path";
import { expect, type Page } from "@playwright/test";
import { openDatabase } from "../db/client";
import { seedDatabase } from "../scripts/seed";
import type { BatchRow } from "../db/schema";

/** Shared by the first-day specs: seeded rows under a spec's own prefixes, and page settling. */

function dbFile(): string {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) throw new Error("E2E_DATA_DIR is not set (playwright.config.ts sets it)");
  return path.join(dir, "db.sqlite");
}

/**
 * Idle batches (nothing the queue would pick up) under `prefixes` only, written into the running
 * server's database, so a search for a prefix sees exactly these rows whatever other specs upload.
 */
export function seedIdle(prefixes: string[], batches: number, seed: number, statuses: BatchRow["status"][] = ["completed", "failed", "cancelled", "paused"]): void {
  const db = openDatabase(dbFile());
  try {
    seedDatabase(db, { batches, filesPerBatch: 3, seed, prefixes, statuses });
  } finally {
    db.$client.close();
  }
}

/** A unique prefix per run (A–Z, 0–9): specs share one server and its database. */
export const runPrefix = (name: string) => `${name}${Date.now().toString(36).toUpperCase()}`;

/** Waits until the dashboard shows the batches of a query matching `query` (not the previous filters'). */
export async function listSettled(page: Page, query: RegExp): Promise<void> {
  const list = page.getByTestId("batch-list");
  await expect(list).toHaveAttribute("data-query", query);
  await expect(list).toHaveAttribute("aria-busy", "false");
}

export const rows = (page: Page) => page.getByTestId("batch-row");
export const batchNames = (page: Page) => rows(page).locator("button[aria-expanded] .font-mono").allTextContents();
