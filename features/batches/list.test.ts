import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDatabase } from "@/scripts/seed";
import { createTestContext, type TestContext } from "@/test/fixtures";
import { listBatches } from "./list";
import { listBatchesQuerySchema, SORT_COLUMNS } from "./schemas";

/** Every batch row with the values the list sorts and filters by, as the reference to compare against. */
interface Ref {
  rowid: number;
  id: string;
  status: string;
  priority: string;
  customer_prefix: string;
  batch_date: string;
  base_directory_name: string;
  description: string;
  total_files: number;
  total_size: number;
  total_jobs: number;
  done: number;
  failed_jobs: number;
  created_at: number;
  file_names: string;
}

let ctx: TestContext;
let refs: Ref[];

beforeAll(() => {
  ctx = createTestContext();
  seedDatabase(ctx.db, { batches: 400, filesPerBatch: 3, seed: 11, now: ctx.clock.now() });
  refs = ctx.db.$client
    .prepare(
      `SELECT b.rowid, b.id, status, priority, customer_prefix, batch_date, base_directory_name, description, total_files,
              total_size, total_jobs, completed_jobs + failed_jobs + cancelled_jobs AS done, failed_jobs, b.created_at,
              (SELECT group_concat(original_name, ' ') FROM files f WHERE f.batch_id = b.id) AS file_names
       FROM batches b`,
    )
    .all() as Ref[];
});
afterAll(() => ctx.cleanup());

const PRIORITY_VALUE: Record<string, number> = { low: 0, normal: 1, high: 2 };
const sortKey: Record<(typeof SORT_COLUMNS)[number], (r: Ref) => (string | number)[]> = {
  created_at: (r) => [r.created_at],
  batch_date: (r) => [r.batch_date, r.created_at],
  base_directory_name: (r) => [r.base_directory_name],
  priority: (r) => [PRIORITY_VALUE[r.priority]!, r.created_at],
  status: (r) => [r.status, r.created_at],
  total_files: (r) => [r.total_files, r.created_at],
  total_size: (r) => [r.total_size, r.created_at],
  progress: (r) => [r.total_jobs === 0 ? 0 : Math.trunc((r.done * 1000) / r.total_jobs), r.created_at],
};

function expected(filter: (r: Ref) => boolean, sortBy: keyof typeof sortKey, order: "asc" | "desc") {
  const sign = order === "asc" ? 1 : -1;
  return refs
    .filter(filter)
    .sort((a, b) => {
      const ka = [...sortKey[sortBy](a), a.rowid];
      const kb = [...sortKey[sortBy](b), b.rowid];
      for (let i = 0; i < ka.length; i++) if (ka[i]! !== kb[i]!) return (ka[i]! < kb[i]! ? -1 : 1) * sign;
      return 0;
    })
    .map((r) => r.id);
}

const list = (params: Record<string, string>) => listBatches(ctx, listBatchesQuerySchema.parse(params));

describe("listBatches", () => {
  const pick = () => refs[17]!;
  const FILTERS: [string, () => Record<string, string>, () => (r: Ref) => boolean][] = [
    ["no filter", () => ({}), () => () => true],
    ["one status", () => ({ status: "completed" }), () => (r) => r.status === "completed"],
    ["status list", () => ({ status: "pending,paused,failed" }), () => (r) => ["pending", "paused", "failed"].includes(r.status)],
    ["customer prefix (any case)", () => ({ customer_prefix: pick().customer_prefix.toLowerCase() }), () => (r) => r.customer_prefix === pick().customer_prefix],
    ["priority", () => ({ priority: "high" }), () => (r) => r.priority === "high"],
    ["priority list", () => ({ priority: "low,normal" }), () => (r) => r.priority !== "high"],
    ["date range", () => ({ date_from: pick().batch_date, date_to: pick().batch_date }), () => (r) => r.batch_date === pick().batch_date],
    ["date from", () => ({ date_from: pick().batch_date }), () => (r) => r.batch_date >= pick().batch_date],
    ["date to", () => ({ date_to: pick().batch_date }), () => (r) => r.batch_date <= pick().batch_date],
    ["has failures (any status)", () => ({ has_failures: "true" }), () => (r) => r.failed_jobs > 0],
    ["no failures", () => ({ has_failures: "false" }), () => (r) => r.failed_jobs === 0],
    ["has failures and a status", () => ({ has_failures: "true", status: "completed" }), () => (r) => r.failed_jobs > 0 && r.status === "completed"],
    ["search by file name word", () => ({ q: "terrace" }), () => (r) => /(^| )[A-Z_]*_terrace_/.test(r.file_names)],
    ["search by exact batch name", () => ({ q: pick().base_directory_name }), () => (r) => r.base_directory_name === pick().base_directory_name || r.base_directory_name.startsWith(`${pick().base_directory_name}`)],
    ["search by description word", () => ({ q: "lookbook" }), () => (r) => r.description.toLowerCase().includes("lookbook")],
    [
      "everything combined",
      () => ({ status: "completed,failed", customer_prefix: pick().customer_prefix, priority: "normal,high", date_to: pick().batch_date }),
      () => (r) => ["completed", "failed"].includes(r.status) && r.customer_prefix === pick().customer_prefix && r.priority !== "low" && r.batch_date <= pick().batch_date,
    ],
  ];

  for (const [name, params, filter] of FILTERS) {
    it(`filters by ${name} under every sort column and order, with exact totals`, () => {
      const matching = refs.filter(filter());
      expect(matching.length, "the known data set exercises this filter").toBeGreaterThan(0);
      for (const sort_by of SORT_COLUMNS) {
        for (const sort_order of ["asc", "desc"] as const) {
          const page = list({ ...params(), sort_by, sort_order, limit: "200" });
          expect(page.total).toBe(matching.length);
          expect(page.data.map((b) => b.id), `${name} / ${sort_by} ${sort_order}`).toEqual(expected(filter(), sort_by, sort_order).slice(0, 200));
        }
      }
    });
  }

  it("pages through the whole list without gaps or repeats, on every sort", () => {
    for (const sort_by of SORT_COLUMNS) {
      const ids: string[] = [];
      for (let offset = 0; ; offset += 37) {
        const page = list({ sort_by, sort_order: "asc", limit: "37", offset: String(offset) });
        expect(page).toMatchObject({ limit: 37, offset, total: refs.length });
        if (page.data.length === 0) break;
        ids.push(...page.data.map((b) => b.id));
      }
      expect(ids).toEqual(expected(() => true, sort_by, "asc"));
    }
  });

  it("answers an offset past the end with an empty page and the real total", () => {
    expect(list({ offset: "100000" })).toEqual({ data: [], total: refs.length, limit: 50, offset: 100000 });
  });

  it("defaults to the newest 50 batches", () => {
    const page = list({});
    expect(page.limit).toBe(50);
    expect(page.data.map((b) => b.id)).toEqual(expected(() => true, "created_at", "desc").slice(0, 50));
  });

  it("takes enum values in any case (sort_order=DESC, status=Completed), as seed-era clients send them", () => {
    const lower = list({ status: "completed,failed", priority: "high", sort_by: "created_at", sort_order: "desc", has_failures: "false" });
    expect(list({ status: "Completed,FAILED", priority: "High", sort_by: "Created_At", sort_order: "DESC", has_failures: "False" })).toEqual(lower);
    expect(lower.total).toBeGreaterThan(0);
  });

  it("filters by external_ref and shows it, with total_pipelines and render_description on every row", () => {
    const [a, b] = [refs[3]!, refs[5]!];
    const tag = ctx.db.$client.prepare("UPDATE batches SET external_ref = ? WHERE id = ?");
    tag.run("session-123", a.id);
    tag.run("session-123", b.id);
    try {
      const page = list({ external_ref: "session-123", sort_order: "asc" });
      expect(page.data.map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
      expect(page.total).toBe(2);
      for (const row of page.data) {
        expect(row).toMatchObject({ external_ref: "session-123", total_pipelines: 1, render_description: row.description });
      }
      expect(list({ external_ref: "nobody" }).total).toBe(0);
    } finally {
      ctx.db.$client.prepare("UPDATE batches SET external_ref = NULL").run();
    }
  });

  it("treats search syntax as text and finds nothing for punctuation only", () => {
    expect(list({ q: '"*) OR (' }).total).toBe(0);
    expect(list({ q: "___" })).toEqual({ data: [], total: 0, limit: 50, offset: 0 });
  });

  it("shows each row as a batch summary with progress, ETA and retention", () => {
    const row = list({ status: "completed", limit: "1" }).data[0]!;
    expect(row).toMatchObject({ status: "completed", progress_percent: 100, eta_seconds: 0 });
    expect(Object.keys(row)).toEqual(expect.arrayContaining(["base_directory_name", "description", "customer_prefix", "batch_date", "priority", "total_files", "total_size", "created_at", "expires_at", "pinned"]));
    if (!row.pinned) expect(Date.parse(row.expires_at!) - Date.parse(row.completed_at!)).toBe(ctx.config.RETENTION_DAYS * 86_400_000);
  });
});

describe("the list query schema", () => {
  const bad = (params: Record<string, string>) => listBatchesQuerySchema.safeParse(params);
  it.each([
    [{ sort_by: "rowid" }, "sort_by"],
    [{ sort_order: "up" }, "sort_order"],
    [{ limit: "0" }, "limit"],
    [{ limit: "201" }, "limit"],
    [{ limit: "ten" }, "limit"],
    [{ offset: "-1" }, "offset"],
    [{ status: "done" }, "status"],
    [{ status: "completed," }, "status"],
    [{ priority: "urgent" }, "priority"],
    [{ date_from: "2025-13-01" }, "date_from"],
    [{ date_to: "yesterday" }, "date_to"],
    [{ date_from: "2025-02-01", date_to: "2025-01-01" }, "date_to"],
    [{ customer_prefix: "PL DXB" }, "customer_prefix"],
    [{ q: "  " }, "q"],
    [{ colour: "red" }, ""],
  ])("rejects %o naming %s", (params, field) => {
    const result = bad(params);
    expect(result.success).toBe(false);
    const text = JSON.stringify(result.error!.issues);
    expect(text).toContain(field || "colour");
  });
});
