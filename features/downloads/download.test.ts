import { randomBytes } from "node:crypto";
import fs from "node:fs";
import JSZip from "jszip";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addPipeline, createTestContext, seedBatch, type TestContext } from "@/test/fixtures";
import { centralDirectory, parseCsv, readAll, unzipTest } from "@/test/zip";
import { AppError } from "@/features/shared/errors";
import { downloadActivity } from "./activity";
import { openBatchDownload } from "./service";

let ctx: TestContext;
beforeEach(() => {
  ctx = createTestContext();
});
afterEach(() => ctx.cleanup());

async function download(batchId: string) {
  const res = await openBatchDownload(ctx, batchId);
  const zip = await readAll(res.body);
  const archive = await JSZip.loadAsync(zip);
  const files = Object.values(archive.files).filter((f) => !f.dir);
  const contents = new Map<string, Buffer>();
  for (const f of files) contents.set(f.name, await f.async("nodebuffer"));
  return { res, zip, contents, names: [...contents.keys()] };
}

function manifestOf(contents: Map<string, Buffer>, root: string) {
  return parseCsv(contents.get(`${root}/manifest.csv`)!.toString("utf8"));
}

describe("batch ZIP download", () => {
  it("holds every completed output under the batch folder plus a manifest, and passes unzip -t", async () => {
    const web = addPipeline(ctx, "Web PNG");
    const outputs = [randomBytes(3000), randomBytes(10), randomBytes(70_000)];
    const batch = seedBatch(ctx, {
      baseName: "PL_DXB_2025-11-05_batch-1",
      jobs: ["PL_DXB_front.png", "PL_DXB_back.png", "PL_DXB_side.png"].map((file, i) => ({ file, pipelineId: web, output: outputs[i] })),
    });
    const { res, zip, contents } = await download(batch.batchId);

    expect(res.headers["Content-Type"]).toBe("application/zip");
    expect(res.headers["Content-Disposition"]).toBe('attachment; filename="PL_DXB_2025-11-05_batch-1.zip"');
    expect(Number(res.headers["Content-Length"])).toBe(zip.length);
    expect(new Map(contents)).toEqual(
      new Map([
        ["PL_DXB_2025-11-05_batch-1/manifest.csv", expect.any(Buffer)],
        ["PL_DXB_2025-11-05_batch-1/PL_DXB_front.png", outputs[0]],
        ["PL_DXB_2025-11-05_batch-1/PL_DXB_back.png", outputs[1]],
        ["PL_DXB_2025-11-05_batch-1/PL_DXB_side.png", outputs[2]],
      ]),
    );
    const manifest = manifestOf(contents, "PL_DXB_2025-11-05_batch-1");
    expect(manifest).toHaveLength(3);
    expect(manifest.find((r) => r.source_file === "PL_DXB_side.png")).toEqual({
      source_file: "PL_DXB_side.png", pipeline: "Web PNG", output_name: "PL_DXB_side.png", status: "completed",
      input_size: String(Buffer.byteLength(`input ${batch.batchId} PL_DXB_side.png`)), output_size: "70000", width: "8", height: "6", error: "",
    });
    // Images are stored as they are (deflate gains nothing); every name carries the UTF-8 flag.
    expect(centralDirectory(zip).every((e) => e.utf8Flag && e.method === 0)).toBe(true);
    expect(unzipTest(zip)).toMatch(/No errors detected/);
  });

  it("puts each pipeline's outputs in a folder named by its slug when the batch has several", async () => {
    const jpeg = addPipeline(ctx, "Web JPEG 1600 px", "jpeg");
    const thumb = addPipeline(ctx, "Thumbnail WebP", "webp");
    const batch = seedBatch(ctx, {
      jobs: [
        { file: "a.png", pipelineId: jpeg, output: Buffer.from("a-jpeg"), ext: "jpg" },
        { file: "a.png", pipelineId: thumb, output: Buffer.from("a-webp"), ext: "webp" },
      ],
    });
    const { contents } = await download(batch.batchId);
    expect([...contents.keys()].sort()).toEqual(
      [`${batch.baseName}/manifest.csv`, `${batch.baseName}/thumbnail-webp/a.webp`, `${batch.baseName}/web-jpeg-1600-px/a.jpg`].sort(),
    );
    expect(manifestOf(contents, batch.baseName).map((r) => r.output_name).sort()).toEqual(["thumbnail-webp/a.webp", "web-jpeg-1600-px/a.jpg"]);
  });

  it("keeps hostile client names inside the folder, printable and unique", async () => {
    const p = addPipeline(ctx, "Web PNG");
    const hostile = [
      "../../etc/passwd.png", "/abs.png", "..\\..\\windows\\win.png", "C:\\boot.png", "ctl\u0000\u0007\u001b[31m.png",
      "dup.png", "DUP.png", "dup.png ", "photo\u202egnp.exe.png", "صورة العطلة.png", "фото.png", "CON.png", "..png", ".", "manifest.csv",
      "=HYPERLINK(\"http://evil\").png", "x".repeat(400) + ".png",
    ];
    const batch = seedBatch(ctx, {
      jobs: [
        ...hostile.map((name, i) => ({ file: `${i}-${name}`, pipelineId: p, output: Buffer.from(`out-${i}`), outputName: name })),
        { file: "=cmd|' /C calc'!A0.png", pipelineId: p },
      ],
    });
    const { zip, contents } = await download(batch.batchId);
    const names = [...contents.keys()];
    expect(names).toHaveLength(hostile.length + 1);
    for (const name of names) {
      expect(name.startsWith(`${batch.baseName}/`), name).toBe(true);
      const rest = name.slice(batch.baseName.length + 1);
      expect(rest, name).not.toMatch(/[/\\:*?"<>|]|^\.|[\p{Cc}\u202a-\u202e\u2066-\u2069]/u);
      expect(Buffer.byteLength(rest)).toBeLessThanOrEqual(200);
    }
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    // Each output still arrives with its own bytes, found through the manifest.
    const manifest = manifestOf(contents, batch.baseName);
    for (const row of manifest.filter((r) => r.status === "completed")) {
      const index = row.source_file!.split("-")[0];
      expect(contents.get(`${batch.baseName}/${row.output_name}`)?.toString(), row.source_file).toBe(`out-${index}`);
    }
    expect(names).toContain(`${batch.baseName}/صورة العطلة.png`);
    expect(names).toContain(`${batch.baseName}/manifest.csv`);
    expect(names).toContain(`${batch.baseName}/manifest-2.csv`);
    expect(names).toContain(`${batch.baseName}/_HYPERLINK(_http___evil_).png`);
    // A source name a spreadsheet would run as a formula is defused in the manifest.
    expect(manifest.map((r) => r.source_file)).toContain("'=cmd|' /C calc'!A0.png");
    expect(unzipTest(zip)).toMatch(/No errors detected/);
  });

  it("mid-batch: only completed outputs, the manifest lists what is pending, running or failed", async () => {
    const p = addPipeline(ctx, "Web PNG");
    const batch = seedBatch(ctx, {
      jobs: [
        { file: "done.png", pipelineId: p, output: Buffer.from("done") },
        { file: "waiting.png", pipelineId: p },
        { file: "running.png", pipelineId: p, status: "processing" },
        { file: "broken.png", pipelineId: p, status: "failed", error: "Input is not a readable image" },
      ],
    });
    const { zip, contents } = await download(batch.batchId);
    expect([...contents.keys()].sort()).toEqual([`${batch.baseName}/done.png`, `${batch.baseName}/manifest.csv`]);
    const status = Object.fromEntries(manifestOf(contents, batch.baseName).map((r) => [r.source_file, [r.status, r.output_name, r.error]]));
    expect(status).toEqual({
      "done.png": ["completed", "done.png", ""],
      "waiting.png": ["pending", "", ""],
      "running.png": ["processing", "", ""],
      "broken.png": ["failed", "", "Input is not a readable image"],
    });
    expect(unzipTest(zip)).toMatch(/No errors detected/);
  });

  it("answers a batch with nothing completed yet with a ZIP holding only the manifest", async () => {
    const p = addPipeline(ctx, "Web PNG");
    const batch = seedBatch(ctx, { jobs: [{ file: "a.png", pipelineId: p }] });
    const { res, contents } = await download(batch.batchId);
    expect(res.headers["X-Batch-Entries"]).toBe("0");
    expect([...contents.keys()]).toEqual([`${batch.baseName}/manifest.csv`]);
  });

  it("lists a completed output whose file is gone as missing instead of failing the download", async () => {
    const p = addPipeline(ctx, "Web PNG");
    const batch = seedBatch(ctx, { jobs: [{ file: "a.png", pipelineId: p, output: Buffer.from("a") }, { file: "b.png", pipelineId: p, output: Buffer.from("b") }] });
    fs.rmSync(batch.jobs[0]!.outputFile!);
    const { contents } = await download(batch.batchId);
    expect([...contents.keys()].sort()).toEqual([`${batch.baseName}/b.png`, `${batch.baseName}/manifest.csv`]);
    expect(manifestOf(contents, batch.baseName).find((r) => r.source_file === "a.png")?.status).toBe("missing");
  });

  it("deflates outputs that are not compressed already, and then sends no Content-Length", async () => {
    const p = addPipeline(ctx, "Archive TIFF");
    const tiff = Buffer.alloc(50_000, 7);
    const batch = seedBatch(ctx, { jobs: [{ file: "scan.png", pipelineId: p, output: tiff, ext: "tiff" }] });
    const { res, zip, contents } = await download(batch.batchId);
    expect(res.headers["Content-Length"]).toBeUndefined();
    expect(centralDirectory(zip).find((e) => e.name.endsWith("scan.tiff"))?.method).toBe(8);
    expect(contents.get(`${batch.baseName}/scan.tiff`)).toEqual(tiff);
    expect(zip.length).toBeLessThan(tiff.length);
  });

  it("is a 404 for an unknown batch", async () => {
    await expect(openBatchDownload(ctx, "no-such-batch")).rejects.toMatchObject({ code: "not_found", status: 404 } satisfies Partial<AppError>);
  });

  it("stops reading files when the client goes away", async () => {
    const p = addPipeline(ctx, "Web PNG");
    const batch = seedBatch(ctx, {
      jobs: Array.from({ length: 3 }, (_, i) => ({ file: `big-${i}.png`, pipelineId: p, output: randomBytes(4 * 1024 * 1024) })),
    });
    const before = { ...downloadActivity() };
    const res = await openBatchDownload(ctx, batch.batchId);
    expect(downloadActivity().active).toBe(before.active + 1);
    const reader = res.body.getReader();
    let received = 0;
    while (received < 1024 * 1024) received += (await reader.read()).value!.byteLength;
    await reader.cancel();
    expect(downloadActivity().active).toBe(before.active);
    expect(downloadActivity().cancelled).toBe(before.cancelled + 1);
    const sentAtCancel = downloadActivity().bytesSent;
    // Nothing keeps pumping file data after the cancel.
    await new Promise((resolve) => setImmediate(resolve));
    expect(downloadActivity().bytesSent).toBe(sentAtCancel);
    expect(sentAtCancel - before.bytesSent).toBeLessThan(12 * 1024 * 1024);
  });
});
