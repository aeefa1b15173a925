import { randomBytes } from "node:crypto";
import JSZip from "jszip";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addPipeline, createTestContext, seedBatch, type TestContext } from "@/test/fixtures";
import { readAll, unzipTest } from "@/test/zip";
import { openBatchesDownload } from "./several";

let ctx: TestContext;
beforeEach(() => {
  ctx = createTestContext();
});
afterEach(() => ctx.cleanup());

describe("download of several batches", () => {
  it("puts each batch in its own folder with its own manifest, in one archive that passes unzip -t", async () => {
    const web = addPipeline(ctx, "Web PNG");
    const [one, two] = [randomBytes(500), randomBytes(900)];
    const a = seedBatch(ctx, { baseName: "PL_DXB_2025-11-05_batch-1", jobs: [{ file: "front.png", pipelineId: web, output: one }] });
    const b = seedBatch(ctx, {
      baseName: "PL_DXB_2025-11-05_batch-2",
      jobs: [
        { file: "front.png", pipelineId: web, output: two },
        { file: "back.png", pipelineId: web, status: "failed", error: "Unreadable." },
      ],
    });

    const res = await openBatchesDownload(ctx, [a.batchId, b.batchId]);
    const zip = await readAll(res.body);
    const archive = await JSZip.loadAsync(zip);
    const names = Object.values(archive.files).filter((f) => !f.dir).map((f) => f.name);

    expect(res.headers["Content-Disposition"]).toMatch(/^attachment; filename="batches_\d{4}-\d{2}-\d{2}_2\.zip"$/);
    expect(res.headers["X-Batch-Count"]).toBe("2");
    expect(res.headers["X-Batch-Pending"]).toBe("1");
    expect(names.sort()).toEqual([
      "PL_DXB_2025-11-05_batch-1/front.png",
      "PL_DXB_2025-11-05_batch-1/manifest.csv",
      "PL_DXB_2025-11-05_batch-2/front.png",
      "PL_DXB_2025-11-05_batch-2/manifest.csv",
    ]);
    expect(await archive.file("PL_DXB_2025-11-05_batch-2/front.png")!.async("nodebuffer")).toEqual(two);
    expect(await archive.file("PL_DXB_2025-11-05_batch-2/manifest.csv")!.async("string")).toContain("Unreadable.");
    expect(unzipTest(zip)).toMatch(/No errors detected/);
  });
});
