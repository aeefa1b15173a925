import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, type APIRequestContext, type APIResponse } from "@playwright/test";
import { adminCookie } from "./auth";

/** Shared plumbing of the hostile-input suite: raw multipart bodies, stored-state snapshots, polling. */

export const dataDir = () => process.env.E2E_DATA_DIR!;

export interface RawPart {
  field?: string;
  /** Omitted: a text field. */
  filename?: string;
  /** A hand-written Content-Disposition, for names Playwright's FormData would escape. */
  disposition?: string;
  contentType?: string;
  data: Buffer | string;
}

/** A multipart/form-data body built by hand, so names and framing can be as broken as a test needs. */
export function multipartBody(parts: RawPart[], options: { boundary?: string; close?: boolean } = {}): { body: Buffer; contentType: string } {
  const boundary = options.boundary ?? `----hostile${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const field = part.field ?? (part.filename === undefined && !part.disposition ? "description" : "files");
    const disposition =
      part.disposition ?? `form-data; name="${field}"${part.filename === undefined ? "" : `; filename="${part.filename}"`}`;
    const type = part.contentType ?? (part.filename === undefined && !part.disposition ? undefined : "application/octet-stream");
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ""}\r\n`, "utf8"));
    chunks.push(typeof part.data === "string" ? Buffer.from(part.data, "utf8") : part.data);
    chunks.push(Buffer.from("\r\n"));
  }
  if (options.close !== false) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export function postMultipart(api: APIRequestContext, parts: RawPart[], options: { boundary?: string; close?: boolean; headers?: Record<string, string> } = {}) {
  const { body, contentType } = multipartBody(parts, options);
  return api.post("/api/batches", { headers: { "content-type": contentType, ...options.headers }, data: body });
}

export const postJson = (api: APIRequestContext, url: string, body: string | Buffer, method: "POST" | "PATCH" = "POST") =>
  api.fetch(url, { method, headers: { "content-type": "application/json" }, data: Buffer.from(body) });

/** Everything a refused request must leave alone: rows, stored files, the API's own totals. */
export interface StoredState {
  rows: Record<string, number>;
  /** Digest of every batch's editable columns: a refused PATCH or action must not touch them. */
  batches: string;
  pipelines: string[];
  inputs: string[];
  outputs: string[];
  tmp: string[];
  listTotal: number;
  stats: { total_batches: number; by_status: Record<string, number>; storage: Record<string, number> };
}

const listDir = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String).sort() : []);

function readRows(): Pick<StoredState, "rows" | "batches" | "pipelines"> {
  const db = new Database(path.join(dataDir(), "db.sqlite"), { readonly: true });
  try {
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const rows = Object.fromEntries(["batches", "files", "jobs", "attempts", "rate_limit_events"].map((t) => [t, count(t)]));
    // A pipeline's identity and last change: a refused PATCH or DELETE must not touch either.
    const pipelines = (db.prepare("SELECT id, name, spec, is_default, archived_at, updated_at FROM pipelines ORDER BY id").all() as object[]).map((r) => JSON.stringify(r));
    const batchRows = db.prepare("SELECT id, priority, description, pinned, status, updated_at FROM batches ORDER BY id").all();
    const batches = createHash("sha256").update(JSON.stringify(batchRows)).digest("hex");
    return { rows, batches, pipelines };
  } finally {
    db.close();
  }
}

export async function storedState(api: APIRequestContext): Promise<StoredState> {
  const list = await (await api.get("/api/batches?limit=1")).json();
  const stats = await (await api.get("/api/batches/stats")).json();
  return {
    ...readRows(),
    inputs: listDir(path.join(dataDir(), "inputs")),
    outputs: listDir(path.join(dataDir(), "outputs")),
    tmp: listDir(path.join(dataDir(), "tmp")),
    listTotal: list.total,
    stats: { total_batches: stats.total_batches, by_status: stats.by_status, storage: stats.storage },
  };
}

/**
 * Waits until no job is running or waiting to run, so the snapshot cannot move under a refused request.
 * Pending jobs of paused batches (other specs may leave some on the shared server) never move: they
 * do not count.
 */
export async function waitForIdleQueue(): Promise<void> {
  await expect.poll(() => movableJobs(), { timeout: 60_000 }).toBe(0);
}

function movableJobs(): number {
  const db = new Database(path.join(dataDir(), "db.sqlite"), { readonly: true });
  try {
    const row = db
      .prepare(
        `SELECT count(*) AS n FROM jobs j JOIN batches b ON b.id = j.batch_id
         WHERE j.status = 'processing' OR (j.status = 'pending' AND b.status <> 'paused')`,
      )
      .get() as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

export async function expectServerUp(api: APIRequestContext): Promise<void> {
  const health = await api.get("/api/health");
  expect(health.status()).toBe(200);
}

/** What a case answers: a Playwright response, or a raw one shaped like it. */
export type Answer = Pick<APIResponse, "status" | "text" | "headers">;

/** The documented error shape: status, machine-readable code, a message, and the named file if any. */
export async function expectError(res: Answer, status: number, code: string, file?: string): Promise<void> {
  const text = await res.text();
  expect(res.status(), text.slice(0, 500)).toBe(status);
  const body = JSON.parse(text) as { error: { code: string; message: string; details?: { file?: string } } };
  expect(body.error.code, text.slice(0, 500)).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(res.headers()["content-type"]).toContain("application/json");
  if (file !== undefined) expect(body.error.details?.file).toBe(file);
}

const TERMINAL = new Set(["completed", "failed", "cancelled"]);

export interface BatchJob {
  id: string;
  file_id: string;
  file_name: string;
  status: string;
  error: { code: string; message: string } | null;
  output_url: string | null;
}

/** Polls a batch until it is terminal and returns its detail. */
export async function waitForBatch(api: APIRequestContext, id: string): Promise<{ status: string; jobs: BatchJob[] } & Record<string, unknown>> {
  let detail: { status: string; jobs: BatchJob[] } & Record<string, unknown> = { status: "", jobs: [] };
  await expect
    .poll(async () => {
      detail = await (await api.get(`/api/batches/${id}`)).json();
      return TERMINAL.has(detail.status);
    }, { timeout: 60_000 })
    .toBe(true);
  return detail;
}

/** The files rows of one batch as stored: what the server made of hostile names and bytes. */
export function storedFiles(batchId: string): { original_name: string; safe_name: string; mime: string; storage_key: string }[] {
  const db = new Database(path.join(dataDir(), "db.sqlite"), { readonly: true });
  try {
    return db.prepare("SELECT original_name, safe_name, mime, storage_key FROM files WHERE batch_id = ? ORDER BY created_at, rowid").all(batchId) as ReturnType<typeof storedFiles>;
  } finally {
    db.close();
  }
}

/** A POST whose headers may lie (e.g. Content-Length); Playwright's client would correct them. Signed in as the admin. */
export function rawPost(pathname: string, headers: Record<string, string>, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: Number(process.env.E2E_PORT), path: pathname, method: "POST", headers: { cookie: adminCookie(), ...headers } }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => {
        const answerHeaders = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)]));
        resolve({ status: () => res.statusCode ?? 0, text: async () => text, headers: () => answerHeaders });
        req.destroy();
      });
    });
    req.on("error", reject);
    req.write(body);
  });
}
