import JSZip from "jszip";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Principal } from "@/features/auth/scopes";
import { createUser } from "@/features/auth/users";
import { processImageJob } from "@/features/pipelines/processor";
import { addPipeline, createTestContext, type TestContext } from "@/test/fixtures";
import { processContext } from "@/test/queue";
import { parseCsv, readAll } from "@/test/zip";
import { acceptUpload } from "@/features/uploads/service";
import { openBatchDownload } from "./service";

/** A dropped folder, uploaded, processed and downloaded: the ZIP holds the same tree. */
let ctx: TestContext;
let member: Principal;
beforeEach(async () => {
  ctx = createTestContext({ UPLOAD_RATE_LIMIT: "off" });
  const user = await createUser(ctx, { email: "m@example.test", role: "member", password: "password-123" });
  member = { userId: user.id, email: "m@example.test", role: "member", scope: "write", via: "token" };
});
afterEach(() => ctx.cleanup());

async function uploadAndRun(names: string[], pipelineIds: string[]) {
  const form = new FormData();
  for (const [i, name] of names.entries()) {
    const data = await sharp({ create: { width: 20 + i, height: 10, channels: 3, background: "#3a7" } }).png().toBuffer();
    form.append("files", new Blob([new Uint8Array(data)]), name);
  }
  for (const id of pipelineIds) form.append("pipeline_id", id);
  const { batch } = await acceptUpload(ctx, new Request("http://local/api/batches", { method: "POST", body: form }), member);
  const jobs = ctx.db.$client.prepare("SELECT * FROM jobs WHERE batch_id = ?").all(batch.id) as Record<string, unknown>[];
  for (const row of jobs) {
    const job = { id: row.id, batchId: row.batch_id, fileId: row.file_id, pipelineId: row.pipeline_id } as Parameters<typeof processImageJob>[0]["job"];
    const result = await processImageJob({ job, attempt: 1, leaseToken: "t" }, processContext(ctx));
    ctx.db.$client
      .prepare("UPDATE jobs SET status = 'completed', output_key = ?, output_name = ?, output_size = ?, completed_at = 1 WHERE id = ?")
      .run(result.outputKey, result.outputName, result.outputSize, row.id);
  }
  const res = await openBatchDownload(ctx, batch.id);
  const archive = await JSZip.loadAsync(await readAll(res.body));
  const entries = Object.values(archive.files).filter((f) => !f.dir).map((f) => f.name).sort();
  return { batch, entries, manifest: parseCsv(await archive.file(`${batch.base_directory_name}/manifest.csv`)!.async("string")) };
}

describe("the ZIP of a dropped folder", () => {
  it("reproduces the tree under the batch folder, two front.jpg staying apart", async () => {
    const web = addPipeline(ctx, { name: "Web", format: "webp" });
    const { batch, entries, manifest } = await uploadAndRun(["ACME_chair/front.png", "ACME_table/front.png", "ACME_table/detail/side.png", "loose.png"], [web]);
    const root = batch.base_directory_name;
    expect(root).toMatch(/^ACME_/);
    expect(entries).toEqual([
      `${root}/ACME_chair/front.webp`,
      `${root}/ACME_table/detail/side.webp`,
      `${root}/ACME_table/front.webp`,
      `${root}/loose.webp`,
      `${root}/manifest.csv`,
    ]);
    expect(manifest.map((r) => r.output_name).sort()).toEqual(["ACME_chair/front.webp", "ACME_table/detail/side.webp", "ACME_table/front.webp", "loose.webp"]);
  });

  it("puts the tree under each pipeline's folder, and {folder} can go into the name", async () => {
    const web = addPipeline(ctx, { name: "Web", format: "webp" });
    const flat = addPipeline(ctx, { name: "Flat", format: "png", filename_template: "{folder}-{name}" });
    const { batch, entries } = await uploadAndRun(["shoot/day1/a.png", "shoot/day2/a.png"], [web, flat]);
    const root = batch.base_directory_name;
    expect(entries).toEqual([
      `${root}/flat/shoot/day1/shoot_day1-a.png`,
      `${root}/flat/shoot/day2/shoot_day2-a.png`,
      `${root}/manifest.csv`,
      `${root}/web/shoot/day1/a.webp`,
      `${root}/web/shoot/day2/a.webp`,
    ]);
  });
});
