import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { killServer, noisePng, readDb, startServer, stopServer, type Server } from "./crash-helpers";

/**
 * The watch folder on a server of its own (WATCH_DIR is off on the shared one): a file dropped into
 * WATCH_DIR/<pipeline slug>/ becomes a batch, shown on /system; a server killed mid-ingest (right
 * after the batch committed, before the files moved) finishes the ingest on restart, once.
 */

test.describe.configure({ mode: "serial", timeout: 180_000 });

const SLUG = "web-jpeg-1600-px";
let dataDir = "";
let watchDir = "";
let server: Server | undefined;
const env = () => ({ WATCH_DIR: watchDir, WATCH_SETTLE_S: "0.5", WATCH_WINDOW_S: "0.5" });
const batchesOf = (prefix: string) =>
  readDb(dataDir, (db) => db.prepare("SELECT id, base_directory_name AS name, total_files AS files FROM batches WHERE customer_prefix = ?").all(prefix) as { id: string; name: string; files: number }[]);
const tree = (dir: string) =>
  fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort() : [];

test.beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-e2e-watch-"));
  watchDir = path.join(dataDir, "watch");
  fs.mkdirSync(path.join(watchDir, SLUG), { recursive: true });
  server = await startServer(dataDir, env());
});
test.afterAll(async () => {
  if (server) await killServer(server);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("a file dropped into WATCH_DIR/<slug>/ becomes a batch, shown on /system", async ({ browser }) => {
  const sub = path.join(watchDir, SLUG);
  fs.writeFileSync(path.join(sub, "WATCHA_front.png"), await noisePng(40, 30));
  fs.mkdirSync(path.join(sub, "detail"));
  fs.writeFileSync(path.join(sub, "detail", "WATCHA_side.png"), await noisePng(41, 30));
  await expect.poll(() => batchesOf("WATCHA").length, { timeout: 30_000 }).toBe(1);
  const [batch] = batchesOf("WATCHA");
  expect(batch!.files).toBe(2);
  await expect.poll(() => tree(path.join(sub, ".done", batch!.name)), { timeout: 10_000 }).toEqual(["WATCHA_front.png", "detail/WATCHA_side.png"]);
  const detail = await (await server!.fetch(`/api/batches/${batch!.id}`)).json();
  expect(detail.pipelines.map((p: { slug: string }) => p.slug)).toEqual([SLUG]);
  expect(detail.jobs.map((j: { folder: string | null }) => j.folder).sort()).toEqual(["detail", null]);

  const context = await browser.newContext({
    baseURL: server!.url,
    storageState: { cookies: [{ name: server!.cookie.split("=")[0]!, value: server!.cookie.split("=").slice(1).join("="), domain: "127.0.0.1", path: "/", expires: -1, httpOnly: true, secure: false, sameSite: "Lax" }], origins: [] },
  });
  const page = await context.newPage();
  await page.goto("/system");
  const panel = page.getByTestId("watch-panel");
  await expect(panel).toContainText(watchDir);
  await expect(panel.getByTestId("watch-folder")).toContainText(`${SLUG}/`);
  await expect(panel.getByTestId("watch-last")).toContainText(batch!.name);
  await context.close();
});

test("a server killed mid-ingest finishes it on restart without a second batch", async () => {
  const sub = path.join(watchDir, SLUG);
  fs.writeFileSync(path.join(sub, "WATCHB___crash_ingest__.png"), await noisePng(42, 30));
  fs.writeFileSync(path.join(sub, "WATCHB_two.png"), await noisePng(43, 30));
  // The fault kills the server right after the batch committed, before the files moved.
  const exit = await server!.exited;
  expect(exit.signal).toBe("SIGKILL");
  expect(batchesOf("WATCHB")).toHaveLength(1);
  expect(tree(path.join(sub, ".processing")).map((f) => f.split("/").pop()).sort()).toEqual(["WATCHB___crash_ingest__.png", "WATCHB_two.png"]);

  server = await startServer(dataDir, env());
  await expect.poll(() => fs.existsSync(path.join(sub, ".processing")), { timeout: 30_000 }).toBe(false);
  const batches = batchesOf("WATCHB");
  expect(batches).toHaveLength(1);
  expect(batches[0]!.files).toBe(2);
  expect(tree(path.join(sub, ".done", batches[0]!.name))).toEqual(["WATCHB___crash_ingest__.png", "WATCHB_two.png"]);
  await stopServer(server);
  server = undefined;
});
