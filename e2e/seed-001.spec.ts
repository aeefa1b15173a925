import { expect, test } from "@playwright/test";
import JSZip from "jszip";
import sharp from "sharp";
import { bash, createApiToken, noisyImage } from "./seed-helpers";

/**
 * Seed 001 (nd-image-pipeline's batch API) and seed 000 (its deployment tests): every example as the
 * documents write it, with a bearer token added, against the running server. JavaScript examples run
 * as fetch; curl lines run in bash.
 */
test.describe.configure({ mode: "serial" });

const BASE = `http://127.0.0.1:${process.env.E2E_PORT}`;
let TOKEN = "";
let auth: Record<string, string> = {};
let pipelineNumber = 0;
const b64 = async (seed: number) => (await noisyImage(96, 64, "png", seed)).toString("base64");
const today = () => new Date().toLocaleDateString("sv-SE"); // YYYY-MM-DD, local like batch_date

const post = (path: string, body: unknown) =>
  fetch(`${BASE}${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...auth }, body: JSON.stringify(body) });
const getJson = async (path: string) => {
  const response = await fetch(`${BASE}${path}`, { headers: auth });
  expect(response.status, path).toBe(200);
  return response.json();
};
async function untilFinished(batchId: string) {
  await expect.poll(async () => (await getJson(`/api/batches/${batchId}`)).status, { timeout: 30_000 }).toMatch(/^(completed|failed)$/);
}

test.beforeAll(async ({ request }) => {
  TOKEN = await createApiToken(request, "admin", "seed-001");
  auth = { Authorization: `Bearer ${TOKEN}` };
});

test("seed 000 test 1: create the 'Batch Test - PNG' pipeline (PNG 24-bit, 800 px, compression 70)", async () => {
  const response = await post("/api/pipelines", { name: "Batch Test - PNG", format: "png", width: 800, alpha: false, compression: 70 });
  expect(response.status).toBe(201);
  const pipeline = await response.json();
  expect(pipeline).toMatchObject({ name: "Batch Test - PNG", format: "png", width: 800, alpha: false, compression: 70, number: expect.any(Number) });
  pipelineNumber = pipeline.number;
  expect((await getJson(`/api/pipelines/${pipelineNumber}`)).id).toBe(pipeline.id);
});

let single = { job_id: "", batch_id: "" };
let multi = { batch_id: "", base_directory_name: "" };

test("seed 000 test 2 / seed 001 POST /api/jobs: one file creates its own batch", async () => {
  const response = await post("/api/jobs", { pipeline_id: pipelineNumber, file_name: "PL_TEST_image.png", file_data: await b64(1), batch_description: "Single Test" });
  expect(response.status).toBe(201);
  const body = await response.json();
  expect(body).toEqual({ job_id: expect.any(String), batch_id: expect.any(String), status: "queued" });
  single = body;
});

test("seed 000 test 3 / seed 001 POST /api/jobs/batch: several files share one batch", async () => {
  const files = [
    { file_name: "PL_TEST_Front.png", file_data: await b64(2) },
    { file_name: "PL_TEST_Side.png", file_data: await b64(3) },
    { file_name: "PL_TEST_Back.png", file_data: await b64(4) },
  ];
  const response = await post("/api/jobs/batch", { pipeline_id: pipelineNumber, files, batch_description: "Multi Test - 3 Files" });
  expect(response.status).toBe(201);
  const body = await response.json();
  expect(body).toEqual({
    batch_id: expect.any(String),
    base_directory_name: expect.stringMatching(new RegExp(`^PL_TEST_${today()}_batch-\\d+$`)),
    job_count: 3,
    job_ids: [expect.any(String), expect.any(String), expect.any(String)],
    status: "queued",
  });
  multi = body;
  const first = (await getJson(`/api/batches/${single.batch_id}`)).base_directory_name as string;
  // The counter goes up per prefix and day: the multi-file batch is the next after the single one.
  expect(Number(multi.base_directory_name.split("-").pop())).toBe(Number(first.split("-").pop()) + 1);

  // seed 001's own example: pipeline_id 1, two files, a "3-view Render" description.
  const dxb = await post("/api/jobs/batch", {
    pipeline_id: 1,
    files: [{ file_name: "img1.png", file_data: await b64(5) }, { file_name: "img2.png", file_data: await b64(6) }],
    batch_description: "3-view Render",
    customer_prefix: "PL_DXB",
  });
  expect(dxb.status).toBe(201);
  expect(await dxb.json()).toMatchObject({ base_directory_name: expect.stringMatching(new RegExp(`^PL_DXB_${today()}_batch-\\d+$`)), job_count: 2, status: "queued" });
});

test("seed 000 test 4 (curl): all batches, one batch with its jobs, the stats", async () => {
  const env = { TOKEN, BASE };
  const all = await bash(`curl -s -H "Authorization: Bearer $TOKEN" $BASE/api/batches`, env);
  expect(all.code).toBe(0);
  const list = JSON.parse(all.stdout);
  expect(Array.isArray(list.data)).toBe(true);
  expect(list).toMatchObject({ total: expect.any(Number), limit: 50, offset: 0 });

  await untilFinished(multi.batch_id);
  const one = JSON.parse((await bash(`curl -s -H "Authorization: Bearer $TOKEN" $BASE/api/batches/${multi.batch_id}`, env)).stdout);
  expect(one).toMatchObject({ id: multi.batch_id, base_directory_name: multi.base_directory_name, render_description: "Multi Test - 3 Files", total_files: 3, status: "completed" });
  expect(one.jobs).toHaveLength(3);
  for (const job of one.jobs) expect(job).toMatchObject({ id: expect.any(String), file_name: expect.stringMatching(/^PL_TEST_/), status: "completed", created_at: expect.any(String) });

  const stats = JSON.parse((await bash(`curl -s -H "Authorization: Bearer $TOKEN" $BASE/api/batches/stats`, env)).stdout);
  expect(stats).toMatchObject({ by_status: expect.any(Object), total_batches: expect.any(Number), last_24h: expect.any(Object) });
});

test("seed 000 test 5 / 6: the newest batches show name, description, file count and status; jobs completed", async () => {
  await untilFinished(single.batch_id);
  const { data } = await getJson("/api/batches?customer_prefix=PL_TEST&sort_by=created_at&sort_order=DESC&limit=5");
  const byId = new Map(data.map((b: { id: string }) => [b.id, b]));
  expect(byId.get(single.batch_id)).toMatchObject({ render_description: "Single Test", total_files: 1, status: "completed" });
  expect(byId.get(multi.batch_id)).toMatchObject({ base_directory_name: multi.base_directory_name, render_description: "Multi Test - 3 Files", total_files: 3, total_pipelines: 1, status: "completed" });
  const job = await getJson(`/api/jobs/${single.job_id}`);
  expect(job).toMatchObject({ status: "completed" });
});

test("seed 001 GET /api/batches with its filters and sorts (sort_order=DESC included)", async () => {
  for (const query of [
    "status=completed&customer_prefix=PL_DXB&sort_by=created_at",
    "status=completed",
    "customer_prefix=PL_DXB",
    "sort_by=created_at&sort_order=DESC",
    "status=completed&customer_prefix=PL_DXB&limit=20",
  ]) {
    const page = await getJson(`/api/batches?${query}`);
    expect(page, query).toMatchObject({ data: expect.any(Array), total: expect.any(Number), limit: query.includes("limit=20") ? 20 : 50, offset: 0 });
    for (const row of page.data) {
      expect(Object.keys(row)).toEqual(expect.arrayContaining(["id", "base_directory_name", "render_description", "customer_prefix", "total_files", "total_pipelines", "status", "created_at", "completed_at"]));
      if (query.includes("status=completed")) expect(row.status).toBe("completed");
      if (query.includes("PL_DXB")) expect(row.customer_prefix).toBe("PL_DXB");
    }
  }
  const dxb = await getJson("/api/batches?status=completed&customer_prefix=PL_DXB&sort_by=created_at");
  await expect.poll(async () => (await getJson("/api/batches?status=completed&customer_prefix=PL_DXB")).total).toBeGreaterThan(0);
  expect(dxb.data.every((b: { render_description: string }) => typeof b.render_description === "string")).toBe(true);
  const newest = await getJson("/api/batches?sort_by=created_at&sort_order=DESC");
  const times = newest.data.map((b: { created_at: string }) => b.created_at);
  expect(times).toEqual([...times].sort().reverse());
});

test("seed 001 GET /api/batches/:id/download: <base_directory_name>.zip of PNG 24-bit outputs", async () => {
  const response = await fetch(`${BASE}/api/batches/${multi.batch_id}/download`, { headers: auth });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-disposition")).toContain(`${multi.base_directory_name}.zip`);
  const zip = await JSZip.loadAsync(Buffer.from(await response.arrayBuffer()));
  const pngs = Object.keys(zip.files).filter((name) => name.endsWith(".png"));
  expect(pngs.sort()).toEqual(["PL_TEST_Back.png", "PL_TEST_Front.png", "PL_TEST_Side.png"].map((n) => `${multi.base_directory_name}/${n}`));
  const meta = await sharp(await zip.file(pngs[0]!)!.async("nodebuffer")).metadata();
  expect([meta.format, meta.channels, meta.hasAlpha]).toEqual(["png", 3, false]);
});

test("seed 001 DELETE /api/batches/:id removes the batch", async () => {
  const response = await fetch(`${BASE}/api/batches/${single.batch_id}`, { method: "DELETE", headers: auth });
  expect(response.status).toBe(204);
  expect((await fetch(`${BASE}/api/batches/${single.batch_id}`, { headers: auth })).status).toBe(404);
});
