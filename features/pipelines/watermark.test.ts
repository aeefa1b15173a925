import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { insertAsset } from "@/features/assets/queries";
import { createTestContext, type TestContext } from "@/test/fixtures";
import { previewPipeline } from "./preview";
import { WATERMARK_GRAVITIES, type PipelineSpecInput } from "./schemas";
import { pixelAt, runSpec } from "./test-run";

let ctx: TestContext;
beforeEach(() => void (ctx = createTestContext()));
afterEach(() => ctx.cleanup());

const BLUE = [0, 0, 255];
const WHITE = [255, 255, 255];

/** An opaque blue 40 x 20 logo on transparency (a 2:1 mark, so its height follows its width). */
async function addLogo(): Promise<string> {
  const data = await sharp({ create: { width: 40, height: 20, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 1 } } }).png().toBuffer();
  const sha256 = createHash("sha256").update(data).digest("hex");
  const stored = ctx.db.$client.prepare("SELECT id FROM assets WHERE sha256 = ?").get(sha256) as { id: string } | undefined;
  if (stored) return stored.id;
  fs.mkdirSync(ctx.paths.assets, { recursive: true });
  fs.writeFileSync(path.join(ctx.paths.assets, sha256), data);
  const id = randomUUID();
  insertAsset(ctx.db, { id, name: "logo.png", sha256, mime: "image/png", size: data.length, width: 40, height: 20, storageKey: `assets/${sha256}`, createdBy: null, createdAt: 0, archivedAt: null });
  return id;
}

const white = async (width: number, height: number) => ({ name: "w.png", data: await sharp({ create: { width, height, channels: 3, background: "#ffffff" } }).png().toBuffer() });
const marked = async (extra: Partial<PipelineSpecInput>, watermark: Record<string, unknown> = {}): Promise<PipelineSpecInput> => ({
  name: `wm-${randomUUID()}`, format: "png", ...extra, watermark: { asset_id: await addLogo(), width_pct: 25, opacity: 1, margin_pct: 5, ...watermark },
});
const near = (a: number[], b: number[], t = 6) => a.slice(0, 3).every((v, i) => Math.abs(v - b[i]!) <= t);

describe("watermarks", () => {
  it("sits at the gravity, width_pct of the output wide, margin_pct from the edges", async () => {
    const { output, meta } = await runSpec(ctx, await marked({}, { gravity: "southeast" }), await white(400, 300));
    // 25 % of 400 = 100 x 50; margins 20 px across, 15 px down: the mark spans x 280-379, y 235-284.
    expect([meta.width, meta.height, meta.hasAlpha]).toEqual([400, 300, false]);
    expect(await pixelAt(output, 282, 237)).toEqual(BLUE);
    expect(await pixelAt(output, 377, 282)).toEqual(BLUE);
    expect(await pixelAt(output, 385, 282)).toEqual(WHITE);
    expect(await pixelAt(output, 377, 290)).toEqual(WHITE);
    expect(await pixelAt(output, 275, 260)).toEqual(WHITE);
  });

  it.each(WATERMARK_GRAVITIES)("places %s", async (gravity) => {
    const { output } = await runSpec(ctx, await marked({}, { gravity }), await white(400, 300));
    const x = gravity.endsWith("west") ? 20 : gravity.endsWith("east") ? 280 : 150;
    const y = gravity.startsWith("north") ? 15 : gravity.startsWith("south") ? 235 : 125;
    expect(await pixelAt(output, x + 50, y + 25)).toEqual(BLUE);
    expect(await pixelAt(output, x - 3, y + 25)).toEqual(WHITE);
  });

  it("opacity blends it with the image", async () => {
    const { output } = await runSpec(ctx, await marked({}, { gravity: "centre", opacity: 0.5 }), await white(400, 300));
    expect(near(await pixelAt(output, 200, 150), [128, 128, 255])).toBe(true);
  });

  it("is applied after the resize, so it scales with the output", async () => {
    const small = await runSpec(ctx, await marked({ width: 200 }, { gravity: "northwest", margin_pct: 0 }), await white(800, 600));
    expect([small.meta.width, small.meta.height]).toEqual([200, 150]);
    expect(await pixelAt(small.output, 48, 23)).toEqual(BLUE); // 50 x 25
    expect(await pixelAt(small.output, 52, 10)).toEqual(WHITE);
    const canvas = await runSpec(ctx, await marked({ width: 1000, height: 1000, fit: "contain", alpha: false }, { gravity: "northwest", margin_pct: 0 }), await white(800, 600));
    expect(await pixelAt(canvas.output, 248, 120)).toEqual(BLUE); // 250 x 125
    expect(await pixelAt(canvas.output, 252, 120)).toEqual(WHITE);
  });

  it("never outgrows the output: a 100 % mark on a tall image is limited by the height left", async () => {
    const { output, meta } = await runSpec(ctx, await marked({}, { gravity: "centre", width_pct: 100, margin_pct: 0 }), await white(400, 100));
    expect([meta.width, meta.height]).toEqual([400, 100]);
    expect(await pixelAt(output, 200, 50)).toEqual(BLUE);
    expect(await pixelAt(output, 10, 50)).toEqual(WHITE); // 200 x 100, centred
  });

  it("lands on the real output when trim makes its size unknown beforehand", async () => {
    const item = await sharp({ create: { width: 200, height: 100, channels: 3, background: "#ff0000" } }).png().toBuffer();
    const data = await sharp({ create: { width: 600, height: 600, channels: 3, background: "#ffffff" } }).composite([{ input: item, left: 50, top: 300 }]).removeAlpha().png().toBuffer();
    const { output, meta } = await runSpec(ctx, await marked({ trim: true, width: 100 }, { gravity: "southeast", margin_pct: 0 }), { name: "p.png", data });
    expect([meta.width, meta.height]).toEqual([100, 50]);
    expect(await pixelAt(output, 95, 47)).toEqual(BLUE);
    expect(await pixelAt(output, 60, 40)).toEqual([255, 0, 0]);
  });

  it("keeps a transparent input transparent around the mark", async () => {
    const data = await sharp({ create: { width: 200, height: 200, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const { output, meta } = await runSpec(ctx, await marked({ format: "webp" as const }, { gravity: "centre" }), { name: "t.png", data });
    expect(meta.hasAlpha).toBe(true);
    expect((await pixelAt(output, 5, 5))[3]).toBe(0);
  });

  it("a JPEG output has no alpha channel", async () => {
    const { meta } = await runSpec(ctx, await marked({ format: "jpeg" as const }), await white(300, 200));
    expect([meta.format, meta.channels]).toEqual(["jpeg", 3]);
  });

  it("fails the job for good when its asset is gone", async () => {
    const spec = await marked({});
    ctx.db.$client.prepare("DELETE FROM assets").run();
    await expect(runSpec(ctx, spec, await white(100, 100))).rejects.toMatchObject({ kind: "permanent", code: "watermark_missing" });
  });

  it("shows in the editor's preview", async () => {
    const spec = await marked({ width: 400 }, { gravity: "northwest", margin_pct: 0, width_pct: 50 });
    const request = new Request("http://x/api/pipelines/preview", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ spec: { ...spec, name: undefined }, sample: "landscape.jpg" }),
    });
    const result = await previewPipeline(ctx, request, { userId: "u", email: "a@b", role: "admin", scope: "admin", via: "session" });
    const { data, info } = await sharp(result.bytes).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    expect(near(at(100, 20), BLUE, 40)).toBe(true);
    expect(near(at(300, 150), BLUE, 40)).toBe(false);
  });
});
