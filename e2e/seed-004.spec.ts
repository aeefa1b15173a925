import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { bash, createApiToken, noisyImage } from "./seed-helpers";

/**
 * Seed 004 (a Next.js + SQLite batch system): its curl lines run in bash as written, a bearer token
 * added (`-H "Authorization: Bearer $TOKEN"`) and localhost:3000 pointed at this server; its
 * FormData and polling examples run as fetch. Its menu PDFs are images here (Batchyard processes
 * images and decides a file's type by content), under the document's names.
 */
test.describe.configure({ mode: "serial" });

const BASE = `http://127.0.0.1:${process.env.E2E_PORT}`;
let TOKEN = "";
let userId = "";
let workDir = "";
let batchId = "";
const env = () => ({ TOKEN, BASE, HOME: process.env.HOME ?? "/tmp" });
const curl = (line: string) => bash(line.replaceAll("http://localhost:3000", "$BASE").replace(/^curl /, 'curl -s -H "Authorization: Bearer $TOKEN" ').replaceAll("$(curl ", '$(curl -s -H "Authorization: Bearer $TOKEN" '), env());
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

test.beforeAll(async ({ request }) => {
  TOKEN = await createApiToken(request, "admin", "seed-004");
  userId = ((await (await request.get("/api/auth/me")).json()) as { user: { id: string } }).user.id;
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-seed-004-"));
  for (const [i, name] of ["menu1.pdf", "menu2.pdf", "test1.pdf", "test2.pdf"].entries()) fs.writeFileSync(path.join(workDir, name), await noisyImage(320, 240, "png", i));
});
test.afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

test("Upload Multiple Files (FormData): file x3, priority, user_id -> {success, data: {batchId, totalFiles, status, files}}", async () => {
  const formData = new FormData();
  for (const name of ["menu1.pdf", "menu2.pdf", "test1.pdf"]) formData.append("file", new Blob([new Uint8Array(fs.readFileSync(path.join(workDir, name)))]), name);
  formData.append("priority", "high"); // Optional: high/normal/low
  formData.append("user_id", userId); // Optional
  const response = await fetch(`${BASE}/api/batch/upload`, { method: "POST", body: formData, headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(201);
  const body = await response.json();
  expect(body).toEqual({
    success: true,
    data: {
      batchId: expect.any(String),
      totalFiles: 3,
      status: "pending",
      files: ["menu1.pdf", "menu2.pdf", "test1.pdf"].map((filename) => ({ id: expect.any(String), filename, fileSize: expect.any(Number), status: "pending" })),
    },
  });
  batchId = body.data.batchId;
});

test("Get Batch Job Details (curl) and the React hook's polling until completed", async () => {
  const polled: number[] = [];
  await expect
    .poll(async () => {
      const res = await fetch(`${BASE}/api/batch/jobs/${batchId}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      const data = await res.json();
      polled.push(data.data.batch.progressPercent);
      return data.data.batch.status;
    }, { timeout: 30_000 })
    .toBe("completed");
  expect(polled.at(-1)).toBe(100);

  const result = await curl(`curl "http://localhost:3000/api/batch/jobs/${batchId}"`);
  expect(result.code).toBe(0);
  const { success, data } = JSON.parse(result.stdout);
  expect(success).toBe(true);
  expect(data.batch).toEqual({
    id: batchId,
    user_id: userId,
    status: "completed",
    total_files: 3,
    processed_files: 3,
    failed_files: 0,
    priority: "high",
    progressPercent: 100,
    created_at: expect.stringMatching(ISO),
    started_at: expect.stringMatching(ISO),
    completed_at: expect.stringMatching(ISO),
  });
  expect(data.files).toHaveLength(3);
  for (const file of data.files) {
    expect(file).toEqual({ id: expect.any(String), filename: expect.stringMatching(/\.pdf$/), fileSize: expect.any(Number), status: "completed", progress: 100, result: expect.any(String) });
    expect(JSON.parse(file.result).outputs[0]).toMatchObject({ url: expect.stringMatching(/^\/api\/jobs\/.+\/output$/), size: expect.any(Number) });
  }
  expect(data.summary).toEqual({ total: 3, completed: 3, processing: 0, pending: 0, failed: 0, cancelled: 0 });
});

test("List All Batch Jobs (curl): limit, status, offset, userId", async () => {
  const result = await curl(`curl "http://localhost:3000/api/batch/jobs?limit=10&status=completed"`);
  const body = JSON.parse(result.stdout);
  expect(body.success).toBe(true);
  expect(body.data.length).toBeGreaterThan(0);
  expect(body.data.length).toBeLessThanOrEqual(10);
  for (const { user_id: owner, started_at: startedAt, ...row } of body.data) {
    expect(owner === null || typeof owner === "string").toBe(true); // null: a batch from before accounts
    expect(startedAt === null || ISO.test(startedAt)).toBe(true);
    expect(row).toEqual({
      id: expect.any(String),
      status: "completed",
      total_files: expect.any(Number),
      processed_files: expect.any(Number),
      failed_files: expect.any(Number),
      priority: expect.stringMatching(/^(high|normal|low)$/),
      created_at: expect.stringMatching(ISO),
      completed_at: expect.stringMatching(ISO),
    });
  }
  expect(body.data.map((b: { id: string }) => b.id)).toContain(batchId);
  const mine = JSON.parse((await curl(`curl "http://localhost:3000/api/batch/jobs?userId=${userId}&limit=50&offset=0"`)).stdout);
  expect(mine.data.every((b: { user_id: string }) => b.user_id === userId)).toBe(true);
  const second = JSON.parse((await curl(`curl "http://localhost:3000/api/batch/jobs?limit=1&offset=1"`)).stdout);
  expect(second.data).toHaveLength(1);
});

test("Testing: Test Upload, Test Status Check, Test Queue Processing (curl, jq)", async () => {
  const upload = await bash(
    `cd ${workDir} && curl -s -H "Authorization: Bearer $TOKEN" -X POST $BASE/api/batch/upload \\
  -F "file=@menu1.pdf" \\
  -F "file=@menu2.pdf" \\
  -F "priority=high"`,
    env(),
  );
  const uploaded = JSON.parse(upload.stdout);
  expect(uploaded).toMatchObject({ success: true, data: { totalFiles: 2, status: "pending" } });

  const status = await bash(`BATCH_ID="${uploaded.data.batchId}"\ncurl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/batch/jobs/$BATCH_ID"`, env());
  expect(JSON.parse(status.stdout)).toMatchObject({ success: true, data: { batch: { id: uploaded.data.batchId, total_files: 2 } } });

  const queue = await bash(
    `cd ${workDir}
# Upload files
BATCH_ID=$(curl -s -H "Authorization: Bearer $TOKEN" -X POST $BASE/api/batch/upload \\
  -F "file=@test1.pdf" -F "file=@test2.pdf" | jq -r '.data.batchId')
# Watch progress (watch -n 2 in the document; here until it reaches 100)
for i in $(seq 1 150); do
  P=$(curl -s -H "Authorization: Bearer $TOKEN" $BASE/api/batch/jobs/$BATCH_ID | jq '.data.batch.progressPercent')
  echo "$P"
  [ "$P" = "100" ] && break
  sleep 0.2
done`,
    env(),
  );
  expect(queue.code).toBe(0);
  expect(queue.stdout.trim().split("\n").at(-1)).toBe("100");
});

test("Errors: {success: false, error} with the right status", async () => {
  const missing = await bash(`curl -s -o - -w "\\n%{http_code}" -H "Authorization: Bearer $TOKEN" $BASE/api/batch/jobs/batch-123`, env());
  const [body, code] = missing.stdout.trim().split("\n");
  expect(code).toBe("404");
  expect(JSON.parse(body!)).toEqual({ success: false, error: "No batch with id batch-123.", code: "not_found" });
  const anonymous = await fetch(`${BASE}/api/batch/jobs`);
  expect(anonymous.status).toBe(401);
  expect(await anonymous.json()).toMatchObject({ success: false, error: expect.any(String) });
  const bad = await fetch(`${BASE}/api/batch/jobs?status=done`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect([bad.status, (await bad.json()).success]).toEqual([400, false]);
});
