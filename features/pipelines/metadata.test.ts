import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "@/test/fixtures";
import { gradient } from "@/test/images";
import { copyrightOf, hasGpsIfd } from "./exif";
import { iccDescription, pixelAt, runSpec } from "./test-run";

let ctx: TestContext;
beforeEach(() => void (ctx = createTestContext()));
afterEach(() => ctx.cleanup());

const XMP =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">' +
  "<dc:creator><rdf:Seq><rdf:li>Jane Studio</rdf:li></rdf:Seq></dc:creator>" +
  '<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">(c) ACME</rdf:li></rdf:Alt></dc:rights>' +
  "<xmp:CreatorTool>SecretCam 3000</xmp:CreatorTool></rdf:Description></rdf:RDF></x:xmpmeta>";

/** A camera JPEG: Display P3 profile (`sP3C`), credit, camera make, GPS, XMP, stored sideways (orientation 6). */
async function cameraPhoto(): Promise<Buffer> {
  return sharp(await gradient(90, 60))
    .withIccProfile("p3")
    .withExif({
      IFD0: { Artist: "Jane Studio", Copyright: "(c) ACME", Make: "SecretCam" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1", GPSLongitudeRef: "W", GPSLongitude: "0/1 7/1 0/1" },
    })
    .withXmp(XMP)
    .jpeg({ quality: 95 })
    .toBuffer()
    // withMetadata converts to sRGB unless a profile is named after it.
    .then((data) => sharp(data).withMetadata({ orientation: 6 }).withIccProfile("p3").jpeg({ quality: 95 }).toBuffer());
}

const photo = async () => ({ name: "cam.jpg", data: await cameraPhoto(), mime: "image/jpeg" });
const exifText = (exif: Buffer | undefined) => exif?.toString("latin1") ?? "";

describe("the camera photo the tests start from", () => {
  it("carries every block the policies choose from", async () => {
    const meta = await sharp(await cameraPhoto()).metadata();
    expect([meta.orientation, iccDescription(meta.icc)]).toEqual([6, "sP3C"]);
    expect(hasGpsIfd(meta.exif!)).toBe(true);
    expect(copyrightOf(meta)).toMatchObject({ artist: "Jane Studio", copyright: "(c) ACME" });
    expect(meta.xmp?.toString()).toContain("SecretCam 3000");
  });
});

describe("metadata policy", () => {
  it("strip (the default): no EXIF, no XMP; upright with no orientation tag", async () => {
    const { meta } = await runSpec(ctx, { name: "s", format: "jpeg" }, await photo());
    expect([meta.exif, meta.xmp, meta.orientation]).toEqual([undefined, undefined, undefined]);
    expect([meta.width, meta.height]).toEqual([60, 90]);
  });

  it("keep: EXIF with GPS and camera make, and XMP; orientation applied and reset to 1", async () => {
    const { meta } = await runSpec(ctx, { name: "k", format: "jpeg", metadata: "keep" }, await photo());
    expect(hasGpsIfd(meta.exif!)).toBe(true);
    expect(exifText(meta.exif)).toContain("SecretCam");
    expect(meta.xmp?.toString()).toContain("SecretCam 3000");
    expect([meta.width, meta.height, meta.orientation]).toEqual([60, 90, 1]);
  });

  it("copyright_only: Artist, Copyright, dc:creator and dc:rights; no GPS, no make, no other XMP", async () => {
    const { meta } = await runSpec(ctx, { name: "c", format: "webp", metadata: "copyright_only" }, await photo());
    expect(copyrightOf(meta)).toMatchObject({ artist: "Jane Studio", copyright: "(c) ACME" });
    expect(hasGpsIfd(meta.exif!)).toBe(false);
    expect(exifText(meta.exif)).not.toContain("SecretCam");
    const xmp = meta.xmp?.toString() ?? "";
    expect(xmp).toContain("Jane Studio");
    expect(xmp).toContain("(c) ACME");
    expect(xmp).not.toContain("SecretCam 3000");
    expect([meta.width, meta.height, meta.orientation]).toEqual([60, 90, 1]);
  });

  it("copyright_only on an image without credit writes no EXIF at all", async () => {
    const { meta } = await runSpec(ctx, { name: "c", format: "png", metadata: "copyright_only" }, { name: "a.png", data: await gradient(20, 20) });
    expect([meta.exif, meta.xmp]).toEqual([undefined, undefined]);
  });

  it("older specs: strip_metadata=false means keep, and `metadata` wins when both are sent", async () => {
    const old = await runSpec(ctx, { name: "old", format: "jpeg", strip_metadata: false }, await photo());
    expect(hasGpsIfd(old.meta.exif!)).toBe(true);
    const both = await runSpec(ctx, { name: "both", format: "jpeg", strip_metadata: false, metadata: "strip" }, await photo());
    expect(both.meta.exif).toBeUndefined();
  });
});

describe("colour policy", () => {
  /** Pure P3 red: outside sRGB, so the three policies give three different answers. */
  async function p3Red() {
    const data = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#ff0000" } })
      .pipelineColourspace("rgb16")
      .toColourspace("srgb")
      .png()
      .toBuffer()
      .then((png) => sharp(png).withIccProfile("p3").png().toBuffer());
    return { name: "red.png", data };
  }

  it("srgb (the default) converts to sRGB and embeds the sRGB profile", async () => {
    const { meta, output } = await runSpec(ctx, { name: "s", format: "png" }, await p3Red());
    expect(iccDescription(meta.icc)).toBe("sRGB");
    const [r, g, b] = await pixelAt(output, 4, 4);
    expect(r).toBeGreaterThan(250);
    expect(g! + b!).toBeLessThan(10);
  });

  it("keep_profile keeps the input's P3 profile and its pixel values", async () => {
    const input = await p3Red();
    const { meta, output } = await runSpec(ctx, { name: "k", format: "png", color: "keep_profile" }, input);
    expect(iccDescription(meta.icc)).toBe("sP3C");
    const before = await sharp(input.data).raw().toBuffer();
    expect(await pixelAt(output, 4, 4)).toEqual([...before.subarray(0, 3)]);
  });

  it("strip_profile converts to sRGB and embeds no profile", async () => {
    const { meta, output } = await runSpec(ctx, { name: "n", format: "png", color: "strip_profile" }, await p3Red());
    expect(meta.icc).toBeUndefined();
    expect((await pixelAt(output, 4, 4))[0]).toBeGreaterThan(250);
  });

  it("keep + strip_profile keeps EXIF but not the profile", async () => {
    const { meta } = await runSpec(ctx, { name: "kn", format: "jpeg", metadata: "keep", color: "strip_profile" }, await photo());
    expect(meta.icc).toBeUndefined();
    expect(hasGpsIfd(meta.exif!)).toBe(true);
  });

  it("keep + keep_profile keeps the camera's Display P3", async () => {
    const { meta } = await runSpec(ctx, { name: "kk", format: "jpeg", metadata: "keep", color: "keep_profile" }, await photo());
    expect(iccDescription(meta.icc)).toBe("sP3C");
  });
});

describe("copyrightOf on hostile bytes", () => {
  it("reads nothing from truncated or garbage EXIF instead of throwing", () => {
    for (const exif of [Buffer.from("Exif\0\0II*\0\xff\xff\xff\x7f", "latin1"), Buffer.alloc(3), Buffer.from("Exif\0\0MM\0*\0\0\0\x08\0\x05", "latin1")]) {
      expect(copyrightOf({ exif })).toEqual({ artist: undefined, copyright: undefined, xmp: undefined });
    }
  });
});
