import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createUser } from "@/features/auth/users";
import { ensureDefaultPipelines } from "@/features/pipelines/queries";
import { DEFAULT_PIPELINES } from "@/features/pipelines/schemas";
import { createTestContext, type TestContext } from "@/test/fixtures";
import { ArrivalWindow, SettleTracker } from "./settle";
import { watchStatus } from "./status";
import { Watcher } from "./watcher";

describe("SettleTracker", () => {
  it("a file arrives once its size and time held for the settle time; a change starts over", () => {
    const tracker = new SettleTracker(5_000);
    const file = (size: number, mtimeMs = 1) => [{ path: "a.png", size, mtimeMs }];
    expect(tracker.observe(0, file(10))).toEqual([]);
    expect(tracker.observe(3_000, file(20))).toEqual([]); // still being copied
    expect(tracker.observe(7_000, file(20))).toEqual([]); // 4 s stable
    expect(tracker.observe(8_000, file(20))).toEqual(["a.png"]);
    expect(tracker.observe(9_000, file(20, 2))).toEqual([]); // touched again
    expect(tracker.observe(14_000, file(20, 2))).toEqual(["a.png"]);
    expect(tracker.observe(15_000, [])).toEqual([]);
    expect(tracker.arriving).toBe(0); // gone files are forgotten
  });
});

describe("ArrivalWindow", () => {
  it("gathers what settles within the window into one batch, at most maxFiles at a time", () => {
    const window = new ArrivalWindow(10_000, 3);
    window.add(0, ["a"]);
    window.add(4_000, ["b", "a"]);
    expect(window.take(9_999)).toEqual([]);
    expect(window.take(10_000)).toEqual(["a", "b"]);
    window.add(20_000, ["c", "d", "e", "f"]);
    expect(window.take(20_000)).toEqual(["c", "d", "e"]); // full: no need to wait
    window.keepOnly([]);
    expect(window.waiting).toBe(0);
  });
});

describe("the watch folder", () => {
  let ctx: TestContext;
  let root: string;
  const png = (seed: number) => sharp({ create: { width: 16, height: 12, channels: 3, background: { r: seed, g: 80, b: 40 } } }).png().toBuffer();
  const drop = async (rel: string, data?: Buffer) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data ?? (await png(rel.length * 7)));
  };
  const batches = () => ctx.db.$client.prepare("SELECT id, base_directory_name AS name, customer_prefix AS prefix, total_files AS files, owner FROM batches ORDER BY created_at").all() as { id: string; name: string; prefix: string; files: number; owner: string }[];
  const tree = (dir: string): string[] => {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
  };
  /** One scan now, one after the settle time (files arrive), one after the window (the batch is made). */
  async function settleAndIngest(watcher: Watcher) {
    await watcher.cycle();
    ctx.clock.advance(2_000);
    await watcher.cycle();
    ctx.clock.advance(3_000);
    await watcher.cycle();
  }

  beforeEach(async () => {
    ctx = createTestContext({ WATCH_SETTLE_S: "2", WATCH_WINDOW_S: "3" });
    root = path.join(ctx.paths.root, "watch");
    ctx.config.WATCH_DIR = root;
    ensureDefaultPipelines(ctx.db, DEFAULT_PIPELINES, ctx.clock.now());
    await createUser(ctx, { email: "owner@example.test", role: "admin", password: "password-123" });
    fs.mkdirSync(path.join(root, "web-jpeg-1600-px"), { recursive: true });
  });
  afterEach(() => ctx.cleanup());

  it("makes one batch of the files that arrived in a pipeline's subfolder, prefix from the names, files to .done/<batch>/", async () => {
    const watcher = new Watcher(ctx, root);
    await drop("web-jpeg-1600-px/ACME_front.png");
    await drop("web-jpeg-1600-px/ACME_back.png");
    await drop("web-jpeg-1600-px/shoot/ACME_side.png");
    await watcher.cycle();
    ctx.clock.advance(1_000);
    await watcher.cycle();
    expect(batches()).toEqual([]); // not settled yet
    ctx.clock.advance(1_000);
    await watcher.cycle(); // settled: the window opens
    expect(batches()).toEqual([]);
    ctx.clock.advance(3_000);
    await watcher.cycle();
    const [batch] = batches();
    expect(batch).toMatchObject({ prefix: "ACME", files: 3 });
    const owner = ctx.db.$client.prepare("SELECT id FROM users").get() as { id: string };
    expect(batch!.owner).toBe(owner.id);
    const jobs = ctx.db.$client.prepare("SELECT f.relative_path AS path, p.slug FROM jobs j JOIN files f ON f.id = j.file_id JOIN pipelines p ON p.id = j.pipeline_id ORDER BY 1").all();
    expect(jobs).toEqual([
      { path: null, slug: "web-jpeg-1600-px" },
      { path: null, slug: "web-jpeg-1600-px" },
      { path: "shoot/ACME_side.png", slug: "web-jpeg-1600-px" },
    ]);
    const sub = path.join(root, "web-jpeg-1600-px");
    expect(tree(path.join(sub, ".done", batch!.name))).toEqual(["ACME_back.png", "ACME_front.png", "shoot/ACME_side.png"]);
    expect(fs.readdirSync(sub).sort()).toEqual([".done", "shoot"]); // the emptied folder stays; nothing left to ingest
    expect(watchStatus(ctx)).toMatchObject({ enabled: true, owner: "owner@example.test", batches: 1, last_batch: { name: batch!.name, files: 3, folder: "web-jpeg-1600-px" } });
  });

  it("a file still being written waits; one that is not an image goes to .failed with a .reason.txt", async () => {
    const watcher = new Watcher(ctx, root);
    await drop("web-jpeg-1600-px/ACME_a.png");
    await drop("web-jpeg-1600-px/notes.txt", Buffer.from("not an image"));
    await drop("web-jpeg-1600-px/ACME_big.png", (await png(1)).subarray(0, 10));
    await watcher.cycle();
    ctx.clock.advance(2_000);
    // The big one is still growing: it keeps changing until the other two have gone.
    fs.appendFileSync(path.join(root, "web-jpeg-1600-px/ACME_big.png"), Buffer.alloc(5));
    await watcher.cycle();
    ctx.clock.advance(3_000);
    fs.writeFileSync(path.join(root, "web-jpeg-1600-px/ACME_big.png"), await png(2));
    await watcher.cycle();
    expect(batches().map((b) => b.files)).toEqual([1]);
    const failed = path.join(root, "web-jpeg-1600-px", ".failed");
    expect(tree(failed)).toEqual(["notes.txt", "notes.txt.reason.txt"]);
    expect(fs.readFileSync(path.join(failed, "notes.txt.reason.txt"), "utf8")).toContain("is not a JPEG, PNG, WebP, AVIF, TIFF or GIF image");
    expect(fs.existsSync(path.join(root, "web-jpeg-1600-px/ACME_big.png"))).toBe(true); // a later batch takes it
    await settleAndIngest(watcher);
    expect(batches().map((b) => b.files)).toEqual([1, 1]);
  });

  it("watch.json maps any subfolder to several pipelines; other subfolders are listed as unmapped and left alone", async () => {
    fs.writeFileSync(path.join(root, "watch.json"), JSON.stringify({ folders: { incoming: ["thumbnail-webp-400-px", 3] } }));
    fs.mkdirSync(path.join(root, "random"));
    await drop("incoming/a.png");
    await drop("random/b.png");
    const watcher = new Watcher(ctx, root);
    await settleAndIngest(watcher);
    const [batch] = batches();
    const slugs = ctx.db.$client.prepare("SELECT DISTINCT p.slug FROM jobs j JOIN pipelines p ON p.id = j.pipeline_id WHERE j.batch_id = ? ORDER BY 1").all(batch!.id);
    expect(slugs).toEqual([{ slug: "png-24-bit-800-px" }, { slug: "thumbnail-webp-400-px" }]);
    expect(fs.existsSync(path.join(root, "random/b.png"))).toBe(true);
    expect(watchStatus(ctx).unmapped).toEqual(["random"]);
  });

  it("survives a crash right after the batch committed: the restart finishes the ingest without a second batch", async () => {
    let crashed = false;
    const crashing = new Watcher(ctx, root, {
      afterCommit: () => {
        crashed = true;
        throw new Error("killed");
      },
    });
    await drop("web-jpeg-1600-px/ACME_a.png");
    await drop("web-jpeg-1600-px/ACME_b.png");
    await settleAndIngest(crashing).catch(() => undefined);
    expect(crashed).toBe(true);
    expect(batches()).toHaveLength(1);
    expect(tree(path.join(root, "web-jpeg-1600-px", ".processing")).length).toBe(2); // left mid-ingest

    const restarted = new Watcher(ctx, root);
    await restarted.cycle();
    await restarted.cycle();
    const [batch] = batches();
    expect(batches()).toHaveLength(1);
    expect(tree(path.join(root, "web-jpeg-1600-px", ".done", batch!.name))).toEqual(["ACME_a.png", "ACME_b.png"]);
    expect(fs.existsSync(path.join(root, "web-jpeg-1600-px", ".processing"))).toBe(false);
  });

  it("survives a crash after the claim but before the commit: the restart makes the batch once", async () => {
    const crashing = new Watcher(ctx, root);
    await drop("web-jpeg-1600-px/ACME_a.png");
    await crashing.cycle();
    ctx.clock.advance(2_000);
    await crashing.cycle();
    ctx.clock.advance(3_000);
    // Claimed as the cycle would, then the process "dies" before ingesting.
    const sub = path.join(root, "web-jpeg-1600-px");
    fs.mkdirSync(path.join(sub, ".processing", "0f0e0d0c-0000-4000-8000-000000000001"), { recursive: true });
    fs.renameSync(path.join(sub, "ACME_a.png"), path.join(sub, ".processing", "0f0e0d0c-0000-4000-8000-000000000001", "ACME_a.png"));
    const restarted = new Watcher(ctx, root);
    await restarted.cycle();
    await restarted.cycle();
    expect(batches()).toHaveLength(1);
    expect(tree(path.join(sub, ".done", batches()[0]!.name))).toEqual(["ACME_a.png"]);
  });

  it("waits, with a problem shown, while no user can own the batches", async () => {
    ctx.db.$client.prepare("UPDATE users SET disabled_at = 1").run();
    await drop("web-jpeg-1600-px/ACME_a.png");
    const watcher = new Watcher(ctx, root);
    await settleAndIngest(watcher);
    expect(batches()).toEqual([]);
    expect(watchStatus(ctx).problems).toEqual(["No active admin to own the batches yet."]);
    expect(fs.existsSync(path.join(root, "web-jpeg-1600-px/ACME_a.png"))).toBe(true);
  });
});
