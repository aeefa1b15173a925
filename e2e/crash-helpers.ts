import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import Database from "better-sqlite3";
import { expect } from "@playwright/test";
import sharp from "sharp";
import { ADMIN_ENV, fetchAs, SERVER_ENTRY, signIn } from "./auth";
import { freePort } from "./ports";

/**
 * Processes, uploads and database reads for the crash suite (e2e/crash.spec.ts). The server is the
 * real `npm start` entry in its own process group, so a SIGKILL of the group takes every child with
 * it. Every server starts with the test admin; requests go signed in through `server.fetch`.
 */

export interface Server {
  url: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: string[];
  /** The admin's session cookie, set by waitHealthy once the server answers. */
  cookie: string;
  /** fetch of a path on this server, signed in as the admin. */
  fetch(pathname: string, init?: RequestInit): Promise<Response>;
}

export const SERVER_ENV = {
  BATCHYARD_TEST_FAULTS: "true",
  // Pinned so an outer environment cannot change the attempt budget the invariants check.
  MAX_RETRIES: "3",
  QUEUE_IN_SERVER: "true",
  // Short leases so a run whose worker died is noticed quickly even without a restart.
  LEASE_S: "4",
  HEARTBEAT_S: "1",
  RETRY_BASE_MS: "50",
  UPLOAD_RATE_LIMIT: "100000/hour",
  LOG_LEVEL: "warn",
  NODE_ENV: "production" as const,
};

/** Spawns the server on `dataDir` (same NEXT_DIST_DIR as the build: the env is passed through). */
export async function spawnServer(dataDir: string, env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const [command, ...args] = SERVER_ENTRY;
  const child = spawn(command, args, {
    env: { ...process.env, ...SERVER_ENV, ...ADMIN_ENV, HOST: "127.0.0.1", PORT: String(port), DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  const stderr: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const server: Server = { url, child, exited, stderr, cookie: "", fetch: (pathname, init) => fetchAs(server.cookie, `${url}${pathname}`, init) };
  return server;
}

const isAlive = (server: Server) => server.child.exitCode === null && server.child.signalCode === null;

/**
 * Resolves true once /api/health answers 200 and the admin has signed in (server.cookie), false if
 * the process died first (a failed sign-in is retried: the server may be dying under it).
 */
export async function waitHealthy(server: Server): Promise<boolean> {
  await expect
    .poll(
      async () => {
        if (!isAlive(server)) return "exited";
        const response = await fetch(`${server.url}/api/health`).catch(() => undefined);
        if (response?.status !== 200) return "starting";
        try {
          server.cookie = await signIn(server.url);
          return "up";
        } catch (error) {
          return `sign-in failed: ${String(error)}`;
        }
      },
      { timeout: 60_000, intervals: [50, 100, 200] },
    )
    .toMatch(/^(up|exited)$/);
  return isAlive(server);
}

export async function startServer(dataDir: string, env: Record<string, string> = {}): Promise<Server> {
  const server = await spawnServer(dataDir, env);
  if (!(await waitHealthy(server))) throw new Error(`server died while starting:\n${server.stderr.join("")}`);
  return server;
}

/** SIGKILL of the server's whole process group, then wait until it is gone. */
export async function killServer(server: Server): Promise<void> {
  if (isAlive(server) && server.child.pid) process.kill(-server.child.pid, "SIGKILL");
  await server.exited;
}

/** SIGTERM: the server finishes its runs, closes the database and exits 0. */
export async function stopServer(server: Server): Promise<void> {
  if (isAlive(server)) server.child.kill("SIGTERM");
  expect(await server.exited).toEqual({ code: 0, signal: null });
}

/** mulberry32: the kill moments come from a seed, so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** A PNG of random pixels: every file is unique and compresses poorly (large outputs and ZIPs). */
export async function noisePng(width: number, height: number): Promise<Buffer> {
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
}

export interface SentFile {
  name: string;
  data: Buffer;
  sha256: string;
}

/** One upload as the client saw it; `batchId` only when the server acknowledged it. */
export interface SentUpload {
  key: string;
  files: SentFile[];
  batchId?: string;
}

export async function makeFiles(prefix: string, count: number, size: number): Promise<SentFile[]> {
  const files: SentFile[] = [];
  for (let i = 0; i < count; i++) {
    const data = await noisePng(size, size);
    files.push({ name: `${prefix}_${String(i).padStart(2, "0")}.png`, data, sha256: sha256(data) });
  }
  return files;
}

/** POST /api/batches (multipart). Resolves with the batch id on 201; rejects when no answer came. */
export async function upload(server: Server, sent: SentUpload, fields: Record<string, string | string[]> = {}): Promise<string> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) form.append(name, v);
  for (const file of sent.files) form.append("files", new Blob([new Uint8Array(file.data)], { type: "image/png" }), file.name);
  const response = await server.fetch("/api/batches", { method: "POST", body: form, headers: { "Idempotency-Key": sent.key } });
  const body = (await response.json()) as { id: string };
  if (response.status !== 201) throw new Error(`upload ${sent.key}: ${response.status} ${JSON.stringify(body)}`);
  sent.batchId = body.id;
  return body.id;
}

/**
 * A multipart upload sent with node http that stops after half of its file and never finishes:
 * the server is left holding a body in the middle. `outcome` settles when the connection ends.
 */
export function startStalledUpload(server: Server, sent: SentUpload): { outcome: Promise<string> } {
  const file = sent.files[0]!;
  const boundary = `----crash${randomBytes(8).toString("hex")}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${file.name}"\r\nContent-Type: image/png\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const request = http.request(`${server.url}/api/batches`, {
    method: "POST",
    headers: {
      Cookie: server.cookie,
      "Content-Type": `multipart/form-data; boundary=${boundary}`,
      "Content-Length": head.length + file.data.length + tail.length,
      "Idempotency-Key": sent.key,
    },
  });
  const outcome = new Promise<string>((resolve) => {
    request.on("response", (response) => resolve(`answered ${response.statusCode}`));
    request.on("error", (error) => resolve(`no answer: ${error.message}`));
  });
  request.write(Buffer.concat([head, file.data.subarray(0, file.data.length >> 1)]));
  return { outcome };
}

/**
 * A multipart upload that says its file_count before its files (so the server processes each file
 * as it arrives) and sends only the first `sendFiles` of them, each closed by the next delimiter,
 * then holds the connection open: the server is left with a batch that is still receiving.
 */
export function startReceivingUpload(server: Server, sent: SentUpload, sendFiles: number, fields: Record<string, string> = {}): { outcome: Promise<string> } {
  const boundary = `----receiving${randomBytes(8).toString("hex")}`;
  const field = (name: string, value: string) => Buffer.from(`\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n--${boundary}`);
  const file = (f: SentFile) =>
    Buffer.concat([Buffer.from(`\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: image/png\r\n\r\n`), f.data, Buffer.from(`\r\n--${boundary}`)]);
  const request = http.request(`${server.url}/api/batches`, {
    method: "POST",
    headers: { Cookie: server.cookie, "Content-Type": `multipart/form-data; boundary=${boundary}`, "Idempotency-Key": sent.key },
  });
  const outcome = new Promise<string>((resolve) => {
    request.on("response", (response) => resolve(`answered ${response.statusCode}`));
    request.on("error", (error) => resolve(`no answer: ${error.message}`));
  });
  request.write(
    Buffer.concat([
      Buffer.from(`--${boundary}`),
      ...Object.entries(fields).map(([name, value]) => field(name, value)),
      field("file_count", String(sent.files.length)),
      ...sent.files.slice(0, sendFiles).map(file),
    ]),
  );
  return { outcome };
}

/** Opens the database read-only for one look (works while the server runs: WAL readers never block). */
export function readDb<T>(dataDir: string, look: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, "db.sqlite"), { readonly: true, fileMustExist: true });
  try {
    return look(db);
  } finally {
    db.close();
  }
}

export function jobCounts(dataDir: string): Record<string, number> {
  return readDb(dataDir, (db) => {
    const rows = db.prepare("SELECT status, count(*) AS n FROM jobs GROUP BY status").all() as { status: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  });
}

/** Waits until no job is pending or processing. */
export async function waitDrained(dataDir: string, timeout = 120_000): Promise<void> {
  await expect
    .poll(() => {
      const counts = jobCounts(dataDir);
      return (counts.pending ?? 0) + (counts.processing ?? 0);
    }, { timeout, intervals: [50, 100, 250] })
    .toBe(0);
}

export function partFilesIn(dataDir: string): string[] {
  const tmp = path.join(dataDir, "tmp");
  return fs.existsSync(tmp) ? fs.readdirSync(tmp).filter((name) => fs.statSync(path.join(tmp, name)).size > 0) : [];
}

/**
 * GET of a streamed response with node http that stops reading after `minBytes` (the server is then
 * held by backpressure mid-stream). `finish()` reads on and says whether the body ended properly.
 */
export function startPartialDownload(server: Server, pathname: string, minBytes: number): Promise<{ bytes: number; finish: () => Promise<boolean> }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${server.url}${pathname}`, { headers: { Cookie: server.cookie } }, (response) => {
        if (response.statusCode !== 200) return reject(new Error(`download answered ${response.statusCode}`));
        let bytes = 0;
        let held = false;
        const closed = new Promise<boolean>((done) => response.once("close", () => done(response.complete)));
        response.on("error", () => undefined); // a cut body is what the test looks for
        response.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          if (held || bytes < minBytes) return;
          held = true;
          response.pause();
          resolve({ bytes, finish: () => (response.resume(), closed) });
        });
      })
      .on("error", reject);
  });
}
