import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as rerunRoute from "@/app/api/batches/[id]/rerun/route";
import * as loginRoute from "@/app/api/auth/login/route";
import { createUser } from "@/features/auth/users";
import { ensureDefaultPipelines } from "@/features/pipelines/queries";
import { DEFAULT_PIPELINES } from "@/features/pipelines/schemas";
import { createTestContext, type TestContext } from "@/test/fixtures";
import { acceptUpload } from "./service";

/** POST /api/batches/:id/rerun through the real route handler. */
const holder = globalThis as unknown as { __batchyardContext?: TestContext };
let ctx: TestContext;
let owner: { cookie: string; id: string };
let other: { cookie: string; id: string };
let admin: { cookie: string; id: string };

async function user(email: string, role: "admin" | "member") {
  const created = await createUser(ctx, { email, role, password: "password-123" });
  const res = await loginRoute.POST(
    new Request("http://127.0.0.1:3000/api/auth/login", { method: "POST", headers: { host: "127.0.0.1:3000", "content-type": "application/json", "x-batchyard-peer": "127.0.0.1" }, body: JSON.stringify({ email, password: "password-123" }) }),
    { params: Promise.resolve({}) },
  );
  return { cookie: res.headers.get("set-cookie")!.split(";")[0]!, id: created.id };
}

function rerun(who: { cookie: string }, batchId: string, body: unknown) {
  const request = new Request(`http://127.0.0.1:3000/api/batches/${batchId}/rerun`, {
    method: "POST",
    headers: { host: "127.0.0.1:3000", "x-batchyard-peer": "127.0.0.1", cookie: who.cookie, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return rerunRoute.POST(request, { params: Promise.resolve({ id: batchId }) });
}

/** The owner's upload of three files, two in a folder; answers the batch detail. */
async function uploaded() {
  const form = new FormData();
  for (const [i, name] of ["ACME_front.png", "shoot/ACME_side.png", "shoot/ACME_back.png"].entries()) {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 60 * i, g: 90, b: 10 } } }).png().toBuffer();
    form.append("files", new Blob([new Uint8Array(png)]), name);
  }
  form.append("pipeline_id", "1");
  form.append("priority", "high");
  const { batch } = await acceptUpload(ctx, new Request("http://local/api/batches", { method: "POST", body: form }), {
    userId: owner.id, email: "owner@example.test", role: "member", scope: "write", via: "session",
  });
  return batch;
}

beforeEach(async () => {
  ctx = createTestContext({ UPLOAD_RATE_LIMIT: "off" });
  holder.__batchyardContext = ctx;
  ensureDefaultPipelines(ctx.db, DEFAULT_PIPELINES, ctx.clock.now());
  owner = await user("owner@example.test", "member");
  other = await user("other@example.test", "member");
  admin = await user("admin@example.test", "admin");
});
afterEach(() => {
  holder.__batchyardContext = undefined;
  ctx.cleanup();
});

describe("POST /api/batches/:id/rerun", () => {
  it("makes a new batch from the stored originals through other pipelines, named by the usual rules", async () => {
    const source = await uploaded();
    const inputs = fs.readdirSync(ctx.paths.inputs).sort();
    const res = await rerun(owner, source.id, { pipeline_ids: [2, 3] });
    expect(res.status).toBe(201);
    const batch = await res.json();
    expect(batch).toMatchObject({
      customer_prefix: "ACME",
      base_directory_name: source.base_directory_name.replace(/batch-1$/, "batch-2"),
      total_files: 3,
      total_jobs: 6,
      priority: "high",
      description: `Re-run of ${source.base_directory_name} · 3 files · Thumbnail WebP 400 px, PNG 24-bit 800 px`,
      owner_id: owner.id,
    });
    expect(batch.pipelines.map((p: { name: string }) => p.name).sort()).toEqual(["PNG 24-bit 800 px", "Thumbnail WebP 400 px"]);
    expect([...new Set(batch.jobs.map((j: { folder: string | null }) => j.folder))].sort()).toEqual([null, "shoot"]);
    expect(fs.readdirSync(ctx.paths.inputs).sort()).toEqual(inputs); // nothing sent or stored again
  });

  it("takes only the chosen files", async () => {
    const source = await uploaded();
    const chosen = source.jobs.find((j) => j.file_name === "ACME_side.png")!.file_id;
    const batch = await (await rerun(owner, source.id, { pipeline_ids: ["1"], file_ids: [chosen], priority: "low", description: "Only the side" })).json();
    expect(batch).toMatchObject({ total_files: 1, total_jobs: 1, priority: "low", description: "Only the side" });
    expect(batch.jobs[0].file_name).toBe("ACME_side.png");
  });

  it("refuses files of another batch, no pipelines, and unknown pipelines", async () => {
    const source = await uploaded();
    const elsewhere = await uploaded();
    const foreign = await rerun(owner, source.id, { pipeline_ids: ["1"], file_ids: [elsewhere.jobs[0]!.file_id] });
    expect([foreign.status, (await foreign.json()).error.details.fields[0].field]).toEqual([400, "file_ids"]);
    expect((await rerun(owner, source.id, { pipeline_ids: [] })).status).toBe(400);
    expect((await rerun(owner, source.id, { file_ids: [], pipeline_ids: ["1"] })).status).toBe(400);
    const unknown = await rerun(owner, source.id, { pipeline_ids: ["999"] });
    expect([unknown.status, (await unknown.json()).error.code]).toEqual([400, "unknown_pipeline"]);
  });

  it("is for the batch's owner and admins; the new batch belongs to whoever asked", async () => {
    const source = await uploaded();
    const refused = await rerun(other, source.id, { pipeline_ids: ["1"] });
    expect(refused.status).toBe(403);
    const byAdmin = await rerun(admin, source.id, { pipeline_ids: ["1"] });
    expect([byAdmin.status, (await byAdmin.json()).owner_id]).toEqual([201, admin.id]);
    expect((await rerun(owner, "00000000-0000-0000-0000-000000000000", { pipeline_ids: ["1"] })).status).toBe(404);
  });

  it("is refused with a clear 409 when the originals were cleaned up, and creates nothing", async () => {
    const source = await uploaded();
    for (const name of fs.readdirSync(ctx.paths.inputs)) fs.rmSync(path.join(ctx.paths.inputs, name));
    const batches = () => (ctx.db.$client.prepare("SELECT count(*) AS n FROM batches").get() as { n: number }).n;
    const before = batches();
    const res = await rerun(owner, source.id, { pipeline_ids: ["1"] });
    expect(res.status).toBe(409);
    const { error } = await res.json();
    expect(error.message).toContain("cannot be processed again: its originals are no longer stored");
    expect(error.details.reason).toBe("originals_gone");
    expect(error.details.missing_file_ids).toHaveLength(3);
    expect(batches()).toBe(before);
  });
});
