import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createUser } from "@/features/auth/users";
import type { Principal } from "@/features/auth/scopes";
import { runBatchAction, removeBatch } from "@/features/batches/service";
import { ensureDefaultPipelines } from "@/features/pipelines/queries";
import { DEFAULT_PIPELINES } from "@/features/pipelines/schemas";
import { refreshBatch } from "@/features/queue/batch-status";
import { AppError } from "@/features/shared/errors";
import { createTestContext, type TestContext } from "@/test/fixtures";
import { createWebhookSchema } from "@/features/webhooks/schemas";
import { claimDeliveries } from "@/features/webhooks/queries";
import { createWebhook } from "@/features/webhooks/service";
import { removeUnfinishedUploads } from "./receiving";
import { rerunBatch } from "./rerun";
import { acceptUpload, type AcceptedUpload } from "./service";

/**
 * Processing while the upload arrives: a multipart upload with file_count before its files is a
 * batch from its first file on, and one that fails leaves nothing behind. The body is a stream
 * this test writes part by part, so the state between two files can be looked at.
 */

let ctx: TestContext;
let member: Principal;

const BOUNDARY = "batchyard-test-boundary";
const encoder = new TextEncoder();

async function png(seed: number, size = 16): Promise<Buffer> {
  const raw = Buffer.alloc(size * size * 3, seed & 0xff);
  return sharp(raw, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
}

// A part ends where the next delimiter begins, so each part is sent with the delimiter after it:
// the server can only know a file is whole once that delimiter has arrived.
const START = encoder.encode(`--${BOUNDARY}`);
const fieldPart = (name: string, value: string) => encoder.encode(`\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n--${BOUNDARY}`);
const filePart = (name: string, data: Buffer) =>
  Buffer.concat([encoder.encode(`\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`), data, encoder.encode(`\r\n--${BOUNDARY}`)]);
const END = encoder.encode("--\r\n");

/** An upload whose body the test sends piece by piece; `result` settles with the server's answer. */
function streamingUpload(headers: Record<string, string> = {}) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c;
      c.enqueue(START);
    },
  });
  const abort = new AbortController();
  const request = new Request("http://local/api/batches", {
    method: "POST",
    body,
    headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}`, ...headers },
    signal: abort.signal,
    duplex: "half",
  } as RequestInit);
  const result: Promise<AcceptedUpload | AppError> = acceptUpload(ctx, request, member).catch((e: unknown) => e as AppError);
  return {
    send: (bytes: Uint8Array) => controller.enqueue(bytes),
    end: () => {
      controller.enqueue(END);
      controller.close();
    },
    /** The client goes away mid-upload. */
    vanish: () => {
      abort.abort();
      controller.error(new Error("client gone"));
    },
    result,
  };
}

const rows = <T>(sql: string, ...args: unknown[]) => ctx.db.$client.prepare(sql).all(...args) as T[];
const count = (table: string) => rows<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)[0]!.n;
const snapshot = () => ({
  batches: count("batches"),
  files: count("files"),
  jobs: count("jobs"),
  events: count("rate_limit_events"),
  inputs: fs.readdirSync(ctx.paths.inputs).length,
  outputs: fs.readdirSync(ctx.paths.outputs).length,
  tmp: fs.readdirSync(ctx.paths.tmp).length,
});

/** Waits until the batch being received has `files` files in (the server works asynchronously). */
async function waitForFiles(files: number): Promise<{ id: string; status: string; receiving: number; total_files: number; expected_files: number | null; total_jobs: number }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const batch = rows<{ id: string; status: string; receiving: number; total_files: number; expected_files: number | null; total_jobs: number }>(
      "SELECT id, status, receiving, total_files, expected_files, total_jobs FROM batches WHERE receiving = 1 ORDER BY rowid DESC LIMIT 1",
    )[0];
    if (batch && batch.total_files >= files) return batch;
    if (Date.now() > deadline) throw new Error(`no batch with ${files} files arrived`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Marks every waiting job of the batch done, as the queue would, and re-derives the batch. */
function finishWaitingJobs(batchId: string) {
  const now = ctx.clock.now();
  ctx.db.$client.prepare("UPDATE jobs SET status = 'completed', progress = 1, output_size = 1, completed_at = ? WHERE batch_id = ? AND status = 'pending'").run(now, batchId);
  return refreshBatch(ctx.db.$client, batchId, now);
}

beforeEach(async () => {
  ctx = createTestContext({ UPLOAD_RATE_LIMIT: "5/hour", MAX_FILES_PER_BATCH: "4", WEBHOOK_ALLOW_PRIVATE: "true" });
  ensureDefaultPipelines(ctx.db, DEFAULT_PIPELINES, ctx.clock.now());
  const user = await createUser(ctx, { email: "member@example.test", role: "member", password: "password-123" });
  member = { userId: user.id, email: "member@example.test", role: "member", scope: "write", via: "token" };
});
afterEach(() => ctx.cleanup());

describe("an upload that gives file_count before its files", () => {
  it("makes each file's jobs claimable as soon as it is stored, and finishes only after the last", async () => {
    const upload = streamingUpload();
    upload.send(fieldPart("customer_prefix", "PL_DXB"));
    upload.send(fieldPart("file_count", "3"));
    upload.send(filePart("shoot/front.png", await png(1)));

    const first = await waitForFiles(1);
    expect(first).toMatchObject({ receiving: 1, expected_files: 3, total_files: 1, total_jobs: 1, status: "pending" });
    expect(rows("SELECT status FROM jobs WHERE batch_id = ?", first.id)).toEqual([{ status: "pending" }]);
    // Its one job done while the rest is on its way: the batch is not complete yet.
    expect(finishWaitingJobs(first.id)).toBe("processing");

    upload.send(filePart("shoot/front.png", await png(2)));
    expect(await waitForFiles(2)).toMatchObject({ id: first.id, receiving: 1, total_files: 2, total_jobs: 2 });
    upload.send(filePart("back.png", await png(3)));
    upload.end();

    const accepted = (await upload.result) as AcceptedUpload;
    expect(accepted.created).toBe(true);
    expect(accepted.batch).toMatchObject({ id: first.id, base_directory_name: "PL_DXB_2025-11-05_batch-1", receiving: null, total_files: 3, total_jobs: 3, description: "3 files · Web JPEG 1600 px" });
    // Names are unique per folder, file by file, as for a whole upload.
    expect(rows("SELECT relative_path AS path FROM files WHERE batch_id = ? ORDER BY rowid", first.id)).toEqual([
      { path: "shoot/front.png" },
      { path: "shoot/front (2).png" },
      { path: null },
    ]);
    expect(finishWaitingJobs(first.id)).toBe("completed");
    expect(fs.readdirSync(ctx.paths.tmp)).toEqual([]);
  });

  it("is shown as receiving, can be paused, and refuses cancel and delete until the upload is in", async () => {
    const upload = streamingUpload();
    upload.send(fieldPart("file_count", "2"));
    upload.send(filePart("a.png", await png(1)));
    const { id } = await waitForFiles(1);
    const system = "system" as const;

    expect(runBatchAction(ctx, id, "pause", system)).toMatchObject({ status: "paused", receiving: { files: 1, expected: 2 } });
    const attempts: (() => unknown)[] = [() => runBatchAction(ctx, id, "cancel", system), () => removeBatch(ctx, id, system)];
    for (const attempt of attempts) {
      const error = await (async () => attempt())().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("upload_in_progress");
    }
    upload.send(filePart("b.png", await png(2)));
    upload.end();
    expect(await upload.result).toMatchObject({ batch: { id, status: "paused", total_files: 2, receiving: null } });
    await removeBatch(ctx, id, system);
  });

  it("answers a repeat under the same Idempotency-Key with 409 while the first is still arriving", async () => {
    const upload = streamingUpload({ "idempotency-key": "same-key" });
    upload.send(fieldPart("file_count", "2"));
    upload.send(filePart("a.png", await png(1)));
    await waitForFiles(1);
    const repeat = streamingUpload({ "idempotency-key": "same-key" });
    expect(await repeat.result).toMatchObject({ code: "upload_in_progress" });
    upload.send(filePart("b.png", await png(2)));
    upload.end();
    expect(await upload.result).toMatchObject({ created: true });
  });

  it.each([
    ["a file that is not an image", async (u: ReturnType<typeof streamingUpload>) => u.send(filePart("notes.png", Buffer.from("just text, not a picture"))), "unsupported_media_type"],
    ["fewer files than it said", async () => undefined, "validation_failed"],
    ["more files than it said", async (u: ReturnType<typeof streamingUpload>) => {
      u.send(filePart("b.png", await png(2)));
      u.send(filePart("c.png", await png(3)));
    }, "validation_failed"],
    ["a field after a file", async (u: ReturnType<typeof streamingUpload>) => u.send(fieldPart("priority", "high")), "validation_failed"],
  ])("is removed with everything it made when it fails: %s", async (_, rest, code) => {
    const before = snapshot();
    const upload = streamingUpload();
    upload.send(fieldPart("file_count", "2"));
    upload.send(filePart("a.png", await png(1)));
    const { id } = await waitForFiles(1);
    // A job already ran and wrote its output.
    fs.mkdirSync(path.join(ctx.paths.outputs, id), { recursive: true });
    fs.writeFileSync(path.join(ctx.paths.outputs, id, "a.webp"), "output");
    finishWaitingJobs(id);

    await rest(upload);
    upload.end();
    expect(await upload.result).toMatchObject({ code });
    expect(snapshot()).toEqual(before);
  });

  it("is removed when the client goes away mid-upload", async () => {
    const before = snapshot();
    const upload = streamingUpload();
    upload.send(fieldPart("file_count", "3"));
    upload.send(filePart("a.png", await png(1)));
    await waitForFiles(1);
    upload.vanish();
    expect(await upload.result).toMatchObject({ code: "client_closed" });
    expect(snapshot()).toEqual(before);
  });

  it("refuses a file_count over the limit before any file is stored", async () => {
    const before = snapshot();
    const upload = streamingUpload();
    upload.send(fieldPart("file_count", "5"));
    upload.send(filePart("a.png", await png(1)));
    upload.end();
    expect(await upload.result).toMatchObject({ code: "too_many_files", details: { max_files: 4, file_count: 5 } });
    expect(snapshot()).toEqual(before);
  });

  it("is removed at the next start when the server died while receiving it", async () => {
    const before = snapshot();
    const upload = streamingUpload();
    upload.send(fieldPart("file_count", "2"));
    upload.send(filePart("a.png", await png(1)));
    const { id } = await waitForFiles(1);
    fs.mkdirSync(path.join(ctx.paths.outputs, id), { recursive: true });
    fs.writeFileSync(path.join(ctx.paths.outputs, id, "a.webp"), "output");
    // What the next start finds: the batch still receiving, nobody sending. (This process's
    // request is left hanging, as a killed server's would be.)
    expect(removeUnfinishedUploads(ctx)).toBe(1);
    expect(snapshot()).toEqual(before);
    upload.vanish();
    await upload.result;
  });
});

describe("what a failed receiving upload must not take or leave", () => {
  it("keeps an input another batch shares, drops the failed batch's unsent webhooks, and frees its Idempotency-Key at once", async () => {
    const shared = await png(7);
    const earlier = streamingUpload();
    earlier.send(fieldPart("file_count", "1"));
    earlier.send(filePart("shared.png", shared));
    earlier.end();
    expect(await earlier.result).toMatchObject({ created: true });
    const admin = { userId: member.userId, email: "member@example.test", role: "admin", scope: "admin", via: "token" } as const;
    await createWebhook(ctx, createWebhookSchema.parse({ url: "http://127.0.0.1:9/hook", events: ["job.failed"], secret: "s".repeat(24) }), "http://batchyard.test", admin);
    const before = snapshot();

    const upload = streamingUpload({ "idempotency-key": "retry-me" });
    upload.send(fieldPart("file_count", "3"));
    upload.send(filePart("again.png", shared));
    const { id } = await waitForFiles(1);
    // A file of it failed for good while the rest was arriving: its webhook waits for the upload.
    ctx.db.$client.prepare("UPDATE jobs SET status = 'failed', error_code = 'decode_failed' WHERE batch_id = ?").run(id);
    expect(rows("SELECT event FROM webhook_deliveries WHERE batch_id = ?", id)).toEqual([{ event: "job.failed" }]);
    expect(claimDeliveries(ctx.db.$client, "test", ctx.clock.now() + 1000, 60_000, 10)).toEqual([]);
    upload.send(filePart("notes.png", Buffer.from("not an image")));
    upload.end();
    expect(await upload.result).toMatchObject({ code: "unsupported_media_type" });

    expect(snapshot()).toEqual(before);
    expect(count("webhook_deliveries")).toBe(0);
    expect(fs.existsSync(path.join(ctx.paths.inputs, rows<{ sha256: string }>("SELECT sha256 FROM files")[0]!.sha256))).toBe(true);
    const retry = streamingUpload({ "idempotency-key": "retry-me" });
    retry.send(fieldPart("file_count", "1"));
    retry.send(filePart("again.png", shared));
    retry.end();
    expect(await retry.result).toMatchObject({ created: true });
  });

  it("lets nobody process its files again until it has arrived", async () => {
    const upload = streamingUpload();
    upload.send(fieldPart("file_count", "2"));
    upload.send(filePart("a.png", await png(1)));
    const { id } = await waitForFiles(1);
    const pipeline = rows<{ id: string }>("SELECT id FROM pipelines LIMIT 1")[0]!.id;
    const error = await Promise.resolve()
      .then(() => rerunBatch(ctx, id, { pipeline_ids: [pipeline] }, { ...member, role: "admin", scope: "admin" }))
      .then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: "upload_in_progress" });
    upload.send(filePart("b.png", await png(2)));
    upload.end();
    expect(await upload.result).toMatchObject({ created: true });
  });
});

describe("an upload without file_count, or with its fields after the files", () => {
  it("is received whole before its batch exists, as seed-era clients send it", async () => {
    const upload = streamingUpload();
    upload.send(filePart("a.png", await png(1)));
    upload.send(fieldPart("priority", "high"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(count("batches")).toBe(0);
    upload.send(filePart("b.png", await png(2)));
    upload.end();
    expect(await upload.result).toMatchObject({ created: true, batch: { total_files: 2, priority: "high", receiving: null } });
  });

  it("checks a file_count sent after the files against what arrived", async () => {
    const upload = streamingUpload();
    upload.send(filePart("a.png", await png(1)));
    upload.send(fieldPart("file_count", "2"));
    upload.end();
    expect(await upload.result).toMatchObject({ code: "validation_failed" });
    expect(count("batches")).toBe(0);
  });
});
