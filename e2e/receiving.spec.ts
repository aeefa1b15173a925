import http from "node:http";
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import sharp from "sharp";
import { adminCookie } from "./auth";
import { listSettled, runPrefix } from "./first-day-helpers";

/**
 * Processing while the upload arrives, as people see it: an upload that gives file_count before
 * its files is a batch on the dashboard from its first file, reading "receiving 2 / 4" with its
 * first files already processed, without Cancel or Delete until the rest has arrived.
 */

async function png(seed: number): Promise<Buffer> {
  return sharp(Buffer.alloc(64 * 64 * 3, seed), { raw: { width: 64, height: 64, channels: 3 } }).png().toBuffer();
}

/** A multipart upload written part by part over node http; each part carries the delimiter after it. */
function openUpload(baseURL: string) {
  const boundary = `----receiving${randomBytes(8).toString("hex")}`;
  const request = http.request(`${baseURL}/api/batches`, {
    method: "POST",
    headers: { Cookie: adminCookie(), "Content-Type": `multipart/form-data; boundary=${boundary}` },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.on("response", (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode!, body }));
    });
    request.on("error", reject);
  });
  request.write(`--${boundary}`);
  return {
    field: (name: string, value: string) => request.write(`\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n--${boundary}`),
    file: (name: string, data: Buffer) =>
      request.write(Buffer.concat([Buffer.from(`\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: image/png\r\n\r\n`), data, Buffer.from(`\r\n--${boundary}`)])),
    end: () => request.end("--\r\n"),
    answer,
  };
}

test("a batch being received shows its progress on the dashboard and finishes once the last file is in", async ({ page, baseURL }) => {
  const prefix = runPrefix("RECV");
  const upload = openUpload(baseURL!);
  upload.field("customer_prefix", prefix);
  upload.field("file_count", "4");
  upload.file(`${prefix}_1.png`, await png(1));
  upload.file(`${prefix}_2.png`, await png(2));

  await page.goto(`/?customer_prefix=${prefix}`);
  await listSettled(page, new RegExp(`customer_prefix=${prefix}`));
  const row = page.getByTestId("batch-row");
  await expect(row.getByTestId("status-badge")).toHaveText("receiving 2 / 4", { timeout: 30_000 });
  await expect(row).toContainText("2 of 4 files arrived");
  // The first files are processed while the rest is still on its way.
  await expect(row.getByTestId("progress-words")).toContainText("2 done", { timeout: 30_000 });
  // Out of the four files' jobs, not the two that are in.
  await expect(row.getByTestId("progress-words")).toHaveText("50% · 2 done · 2 still arriving");
  await expect(row.getByTestId("status-badge")).toHaveText("receiving 2 / 4");
  await expect(row.getByRole("button", { name: /^Cancel / })).toHaveCount(0);
  await expect(row.getByRole("button", { name: /^Delete / })).toHaveCount(0);
  await expect(row.getByRole("button", { name: /^Pause / })).toBeVisible();
  await page.screenshot({ path: "test-results/dashboard-receiving.png" });

  upload.file(`${prefix}_3.png`, await png(3));
  upload.file(`${prefix}_4.png`, await png(4));
  upload.end();
  const answer = await upload.answer;
  expect(answer.status).toBe(201);
  expect(JSON.parse(answer.body)).toMatchObject({ total_files: 4, receiving: null });
  await expect(row).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
  await expect(row.getByTestId("status-badge")).toHaveText("completed");
  await expect(row.getByRole("button", { name: /^Delete / })).toBeVisible();
});
