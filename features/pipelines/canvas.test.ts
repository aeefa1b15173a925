import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "@/test/fixtures";
import { gradient } from "@/test/images";
import { MARKETPLACE_PIPELINE, type PipelineSpecInput } from "./schemas";
import { iccDescription, pixelAt, runSpec } from "./test-run";

let ctx: TestContext;
beforeEach(() => void (ctx = createTestContext()));
afterEach(() => ctx.cleanup());

const RED = [255, 0, 0];
const WHITE = [255, 255, 255];
/** Within a few levels: JPEG and resampling move colours a little. */
const near = (actual: number[], expected: number[], tolerance = 12) => actual.slice(0, 3).every((v, i) => Math.abs(v - expected[i]!) <= tolerance);

/** A product shot: a red `w` x `h` product on a `border`-coloured backdrop of `size`, product at (x, y). */
async function productShot(size: [number, number], product: [number, number], at: [number, number], border = "#ffffff") {
  const item = await sharp({ create: { width: product[0], height: product[1], channels: 3, background: "#ff0000" } }).png().toBuffer();
  const data = await sharp({ create: { width: size[0], height: size[1], channels: 3, background: border } })
    .composite([{ input: item, left: at[0], top: at[1] }])
    .png()
    .toBuffer();
  return { name: "ACME_chair.png", data };
}

const canvas = (extra: Partial<PipelineSpecInput> = {}): PipelineSpecInput => ({
  name: "canvas", format: "png", width: 400, height: 400, fit: "contain", alpha: false, background: "#00ff00", ...extra,
});

describe("marketplace canvases", () => {
  it("contain puts the image on an exact canvas of the background colour", async () => {
    const { output, meta } = await runSpec(ctx, canvas(), await productShot([300, 150], [300, 150], [0, 0]));
    expect([meta.width, meta.height]).toEqual([400, 400]);
    expect(await pixelAt(output, 0, 0)).toEqual([0, 255, 0]);
    expect(await pixelAt(output, 200, 200)).toEqual(RED);
  });

  it("the canvas stays exact for a small input that is never enlarged", async () => {
    const { output, meta } = await runSpec(ctx, canvas({ without_enlargement: true }), await productShot([100, 50], [100, 50], [0, 0]));
    expect([meta.width, meta.height]).toEqual([400, 400]);
    expect(await pixelAt(output, 200, 200)).toEqual(RED);
    expect(await pixelAt(output, 140, 200)).toEqual([0, 255, 0]); // the 100 px wide product sits in the middle
  });

  it("padding_pct keeps a free border of that share on each side", async () => {
    const { output, meta } = await runSpec(ctx, canvas({ padding_pct: 10, without_enlargement: false }), await productShot([300, 300], [300, 300], [0, 0]));
    expect([meta.width, meta.height]).toEqual([400, 400]);
    expect(await pixelAt(output, 38, 200)).toEqual([0, 255, 0]);
    expect(await pixelAt(output, 42, 200)).toEqual(RED);
    expect(await pixelAt(output, 361, 200)).toEqual([0, 255, 0]);
    expect(await pixelAt(output, 200, 38)).toEqual([0, 255, 0]);
  });

  it("trim removes the backdrop first, so the product fills the canvas", async () => {
    const shot = await productShot([400, 400], [200, 100], [20, 250]);
    const trimmed = await runSpec(ctx, canvas({ trim: true, without_enlargement: false }), shot);
    expect(await pixelAt(trimmed.output, 4, 200)).toEqual(RED);
    const untrimmed = await runSpec(ctx, canvas({ without_enlargement: false }), shot);
    expect(await pixelAt(untrimmed.output, 4, 200)).toEqual(WHITE);
  });

  it("trim_threshold decides whether a faint second border counts as backdrop", async () => {
    const inner = await productShot([120, 120], [60, 60], [30, 30], "#f4f4f4");
    const data = await sharp({ create: { width: 200, height: 200, channels: 3, background: "#ffffff" } }).composite([{ input: inner.data, left: 40, top: 40 }]).png().toBuffer();
    const loose = await runSpec(ctx, { name: "loose", format: "png", trim: true, trim_threshold: 30 }, { name: "a.png", data });
    const strict = await runSpec(ctx, { name: "strict", format: "png", trim: true, trim_threshold: 2 }, { name: "a.png", data });
    expect([loose.meta.width, loose.meta.height]).toEqual([60, 60]);
    expect([strict.meta.width, strict.meta.height]).toEqual([120, 120]);
  });

  it("trim on an image that is all backdrop leaves it whole instead of failing", async () => {
    const data = await sharp({ create: { width: 50, height: 40, channels: 3, background: "#ffffff" } }).png().toBuffer();
    const { meta } = await runSpec(ctx, { name: "t", format: "png", trim: true }, { name: "blank.png", data });
    expect([meta.width, meta.height]).toEqual([50, 40]);
  });

  it("cover keeps the part position asks for: centre, or the busy part (entropy, attention)", async () => {
    // Flat grey on the left two thirds, a detailed red/blue pattern on the right third.
    const noise = await sharp({ create: { width: 200, height: 300, channels: 3, background: "#ff0000", noise: { type: "gaussian", mean: 128, sigma: 90 } } }).png().toBuffer();
    const data = await sharp({ create: { width: 600, height: 300, channels: 3, background: "#808080" } }).composite([{ input: noise, left: 400, top: 0 }]).png().toBuffer();
    const file = { name: "wide.png", data };
    const spec = (position: "centre" | "entropy" | "attention") => ({ name: position, format: "png" as const, width: 300, height: 300, fit: "cover" as const, position });
    const centre = await runSpec(ctx, spec("centre"), file);
    expect(near(await pixelAt(centre.output, 10, 150), [128, 128, 128], 2)).toBe(true);
    for (const position of ["entropy", "attention"] as const) {
      const chosen = await runSpec(ctx, spec(position), file);
      expect([chosen.meta.width, chosen.meta.height]).toEqual([300, 300]);
      expect(near(await pixelAt(chosen.output, 290, 150), [128, 128, 128], 2)).toBe(false);
    }
  });

  it("sharpen raises edge contrast after a downscale", async () => {
    const file = { name: "g.png", data: await gradient(800, 600) };
    const soft = await runSpec(ctx, { name: "soft", format: "png", width: 200, palette: false }, { ...file, data: await sharp(file.data).blur(3).png().toBuffer() });
    const crisp = await runSpec(ctx, { name: "crisp", format: "png", width: 200, sharpen: true }, { ...file, data: await sharp(file.data).blur(3).png().toBuffer() });
    const edges = async (f: string) => (await sharp(f).greyscale().convolve({ width: 3, height: 3, kernel: [0, -1, 0, -1, 4, -1, 0, -1, 0] }).stats()).channels[0]!.stdev;
    expect(await edges(crisp.output)).toBeGreaterThan(await edges(soft.output));
  });
});

describe("encoder options", () => {
  const photo = async () => ({ name: "p.png", data: await gradient(640, 480) });

  it("JPEG: progressive, mozjpeg (smaller at the same quality) and 4:4:4 chroma", async () => {
    const base = await runSpec(ctx, { name: "base", format: "jpeg", quality: 80 }, await photo());
    expect(base.meta.isProgressive).toBe(false);
    expect(base.meta.chromaSubsampling).toBe("4:2:0");
    const progressive = await runSpec(ctx, { name: "prog", format: "jpeg", quality: 80, progressive: true }, await photo());
    expect(progressive.meta.isProgressive).toBe(true);
    const moz = await runSpec(ctx, { name: "moz", format: "jpeg", quality: 80, mozjpeg: true }, await photo());
    expect(moz.result.outputSize).toBeLessThan(base.result.outputSize);
    const full = await runSpec(ctx, { name: "444", format: "jpeg", quality: 80, chroma_subsampling: "4:4:4" }, await photo());
    expect(full.meta.chromaSubsampling).toBe("4:4:4");
  });

  it("WebP effort changes the encoding; more than 6 is taken as 6", async () => {
    const fast = await runSpec(ctx, { name: "e0", format: "webp", quality: 80, effort: 0 }, await photo());
    const slow = await runSpec(ctx, { name: "e6", format: "webp", quality: 80, effort: 6 }, await photo());
    const capped = await runSpec(ctx, { name: "e9", format: "webp", quality: 80, effort: 9 }, await photo());
    expect(fast.result.outputSize).not.toBe(slow.result.outputSize);
    expect(capped.result.outputSize).toBe(slow.result.outputSize);
  });

  it("AVIF takes effort and chroma subsampling", async () => {
    const small = { name: "s.png", data: await gradient(96, 64) };
    // sharp does not report AVIF's subsampling: 4:2:0 keeps a quarter of the colour, so it is smaller.
    const sub = await runSpec(ctx, { name: "a", format: "avif", quality: 50, effort: 0, chroma_subsampling: "4:2:0" }, small);
    const full = await runSpec(ctx, { name: "b", format: "avif", quality: 50, effort: 0, chroma_subsampling: "4:4:4" }, small);
    expect([sub.meta.format, full.meta.format]).toEqual(["heif", "heif"]);
    expect(sub.result.outputSize).toBeLessThan(full.result.outputSize);
  });

  it("PNG progressive is interlaced", async () => {
    const { meta } = await runSpec(ctx, { name: "i", format: "png", progressive: true }, await photo());
    expect(meta.isProgressive).toBe(true);
  });
});

describe("the Marketplace 2000 px square, white default", () => {
  it("makes an exact white 2000 x 2000 sRGB progressive JPEG with the product filling it", async () => {
    const { output, meta } = await runSpec(ctx, MARKETPLACE_PIPELINE, await productShot([1200, 900], [600, 300], [100, 500], "#fafafa"));
    expect([meta.format, meta.width, meta.height, meta.isProgressive]).toEqual(["jpeg", 2000, 2000, true]);
    expect(iccDescription(meta.icc)).toBe("sRGB");
    expect(near(await pixelAt(output, 0, 0), WHITE, 3)).toBe(true);
    expect(near(await pixelAt(output, 1000, 50), WHITE, 3)).toBe(true);
    // Trimmed and padded 5 %: the 2:1 product spans 1800 px, from x = 100.
    expect(near(await pixelAt(output, 110, 1000), RED)).toBe(true);
    expect(near(await pixelAt(output, 90, 1000), WHITE, 3)).toBe(true);
  });
});
