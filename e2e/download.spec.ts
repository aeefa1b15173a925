import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import JSZip from "jszip";
import { addPipeline, seedBatch, type SeedJob } from "../test/fixtures";
import { parseConfig } from "../features/shared/config";
import { createContext } from "../features/shared/context";
import { adminCookie } from "./auth";
import { photo, uploadBatch, waitForBatch } from "./dashboard-fixtures";

/** Rows and output files written straight into the running server's DATA_DIR (no queue needed). */
async function seedInServer(build: (pipeline: (name: string) => string) => Promise<SeedJob[]> | SeedJob[], baseName?: string) {
  const ctx = createContext(parseConfig({ DATA_DIR: process.env.E2E_DATA_DIR, LOG_LEVEL: "silent" }));
  try {
    const suffix = Math.random().toString(36).slice(2, 8);
    const jobs = await build((name) => addPipeline(ctx, `${name} ${suffix}`));
    return seedBatch(ctx, { jobs, baseName: baseName ?? `E2E_DL_2025-11-05_batch-${suffix}` });
  } finally {
    ctx.db.$client.close();
  }
}

async function unzip(bytes: Buffer) {
  const archive = await JSZip.loadAsync(bytes);
  const files = Object.values(archive.files).filter((f) => !f.dir);
  return new Map(await Promise.all(files.map(async (f) => [f.name, await f.async("nodebuffer")] as const)));
}

function unzipTest(bytes: Buffer): string {
  const file = path.join(os.tmpdir(), `batchyard-e2e-${process.pid}-${Date.now()}.zip`);
  fs.writeFileSync(file, bytes);
  try {
    return execFileSync("unzip", ["-t", file], { encoding: "utf8" });
  } finally {
    fs.rmSync(file, { force: true });
  }
}

async function metric(request: APIRequestContext, name: string): Promise<number> {
  const text = await (await request.get("/api/metrics")).text();
  return Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
}

test("the dashboard's Download button delivers a ZIP whose entries are the batch's outputs", async ({ page, request }) => {
  // A real upload through two pipelines, processed by the server's queue.
  const uploaded = await uploadBatch(request, { files: 3, prefix: "E2E_DLOAD", pipelines: 2 });
  const done = await waitForBatch(request, uploaded.id, (b) => b.status === "completed");
  const detail = (await (await request.get(`/api/batches/${uploaded.id}`)).json()) as {
    base_directory_name: string;
    pipelines: { id: string; slug: string }[];
    jobs: { id: string; status: string; pipeline_id: string; output_name: string; file_name: string }[];
  };
  expect(done.completed_jobs).toBe(6);
  const name = detail.base_directory_name;

  await page.goto(`/?q=${encodeURIComponent(name)}`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: `Download ${name} as ZIP` }).click()]);
  expect(download.suggestedFilename()).toBe(`${name}.zip`);
  const bytes = fs.readFileSync((await download.path())!);
  const entries = await unzip(bytes);

  const slug = new Map(detail.pipelines.map((p) => [p.id, p.slug]));
  const expected = detail.jobs.map((j) => `${name}/${slug.get(j.pipeline_id)}/${j.output_name}`);
  expect([...entries.keys()].sort()).toEqual([...expected, `${name}/manifest.csv`].sort());
  for (const job of detail.jobs) {
    const output = Buffer.from(await (await request.get(`/api/jobs/${job.id}/output`)).body());
    expect(entries.get(`${name}/${slug.get(job.pipeline_id)}/${job.output_name}`)?.equals(output), job.output_name).toBe(true);
  }
  expect(unzipTest(bytes)).toMatch(/No errors detected/);
});

test("mid-batch the ZIP holds the finished outputs and the manifest lists what is pending", async ({ request }) => {
  const batch = await seedInServer(async (pipeline) => {
    const p = pipeline("E2E Partial");
    return [
      { file: "done.png", pipelineId: p, output: await photo(40, 30, 1) },
      { file: "later.png", pipelineId: p, status: "pending" },
    ];
  });
  const res = await request.get(`/api/batches/${batch.batchId}/download`);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("application/zip");
  expect(res.headers()["content-disposition"]).toBe(`attachment; filename="${batch.baseName}.zip"`);
  const entries = await unzip(Buffer.from(await res.body()));
  expect([...entries.keys()].sort()).toEqual([`${batch.baseName}/done.png`, `${batch.baseName}/manifest.csv`]);
  const manifest = entries.get(`${batch.baseName}/manifest.csv`)!.toString("utf8");
  expect(manifest).toMatch(/\r\nlater\.png,E2E Partial \w+,,pending,/);
});

test("an unknown batch is a 404 with the JSON error shape", async ({ request }) => {
  const res = await request.get("/api/batches/00000000-0000-4000-8000-000000000000/download");
  expect(res.status()).toBe(404);
  expect((await res.json()).error.code).toBe("not_found");
});

test("a client that disconnects mid-download leaves no download running", async ({ request, baseURL }) => {
  const batch = await seedInServer((pipeline) => {
    const p = pipeline("E2E Big");
    return Array.from({ length: 4 }, (_, i) => ({ file: `big-${i}.jpg`, pipelineId: p, output: Buffer.alloc(16 * 1024 * 1024, i), ext: "jpg" }));
  });
  const url = new URL(`/api/batches/${batch.batchId}/download`, baseURL);
  await new Promise<void>((resolve, reject) => {
    const req = http.get(url, { headers: { cookie: adminCookie() } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`download answered ${res.statusCode}`));
      let received = 0;
      res.on("data", (chunk: Buffer) => {
        received += chunk.length;
        // Stop reading after the first megabyte: the server has far more to send.
        if (received > 1024 * 1024) req.destroy();
      });
      res.on("close", resolve);
    });
    req.on("error", (error) => ((error as NodeJS.ErrnoException).code === "ECONNRESET" ? resolve() : reject(error)));
  });
  await expect.poll(() => metric(request, "batchyard_downloads_active"), { intervals: [100, 200, 500] }).toBe(0);
  // The server stopped short of the whole archive (64 MB) it would have sent.
  expect(await metric(request, "batchyard_download_bytes_total")).toBeLessThan(64 * 1024 * 1024);
});
