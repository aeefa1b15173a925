import zlib from "node:zlib";
import sharp from "sharp";

/** Images and hostile inputs made in code for the browser and API suites (no blobs from elsewhere). */

export async function photo(width = 64, height = 48, format: "png" | "jpeg" | "webp" = "png", seed = 0): Promise<Buffer> {
  const channels = 3;
  const raw = Buffer.alloc(width * height * channels);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7 + seed * 31 + ((i / channels / width) | 0) * 3) & 0xff;
  return sharp(raw, { raw: { width, height, channels } }).toFormat(format).toBuffer();
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A tiny, well-formed PNG whose header claims width x height pixels (a decompression bomb). */
export function pixelBomb(width = 100_000, height = 100_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", zlib.deflateSync(Buffer.alloc(1024))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

export const svg = Buffer.from(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
);
export const html = Buffer.from("<!doctype html><html><body><script>alert(1)</script></body></html>");
export const zeroBytes = Buffer.alloc(0);
export const textFile = Buffer.from("just some text, not an image\n".repeat(20));

/** The first third of a real JPEG: right magic bytes, cut short. */
export async function truncatedJpeg(): Promise<Buffer> {
  const full = await photo(256, 256, "jpeg", 3);
  return full.subarray(0, Math.floor(full.length / 3));
}

/** PNG magic bytes followed by garbage. */
export function corruptHeaderPng(): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 0x41)]);
}

/** A GIF header glued to an HTML page (a polyglot that sniffs as GIF but is not a decodable image). */
export function gifHtmlPolyglot(): Buffer {
  return Buffer.concat([Buffer.from("GIF89a"), Buffer.from([1, 0, 1, 0, 0, 0, 0]), html]);
}

// --- Hostile-input suite (e2e/hostile.spec.ts): more inputs made in code ---

/** A real JPEG whose SOF header is rewritten to claim width x height (a JPEG decompression bomb). */
export async function jpegClaiming(width: number, height: number): Promise<Buffer> {
  const jpeg = Buffer.from(await photo(16, 16, "jpeg", 5));
  for (let i = 2; i + 9 < jpeg.length; ) {
    if (jpeg[i] !== 0xff) throw new Error("jpegClaiming: lost the marker chain");
    const marker = jpeg[i + 1]!;
    if (marker >= 0xc0 && marker <= 0xc2) {
      jpeg.writeUInt16BE(height, i + 5);
      jpeg.writeUInt16BE(width, i + 7);
      return jpeg;
    }
    i += 2 + jpeg.readUInt16BE(i + 2);
  }
  throw new Error("jpegClaiming: no SOF marker");
}

/** A valid PNG with an HTML page and a ZIP local header appended: an image to a decoder, more to a sniffer. */
export async function pngWithTrailer(): Promise<Buffer> {
  return Buffer.concat([await photo(32, 24, "png", 9), html, Buffer.from("PK\x03\x04hostile-trailer")]);
}

/** A complete PNG whose compressed pixel data is overwritten mid-stream: sniffs and parses, fails to decode. */
export async function corruptPixelsPng(): Promise<Buffer> {
  const png = Buffer.from(await photo(128, 96, "png", 11));
  const idat = png.indexOf("IDAT", 0, "ascii");
  const length = png.readUInt32BE(idat - 4);
  png.fill(0xa5, idat + 4 + Math.floor(length / 4), idat + 4 + Math.floor(length / 2));
  return png;
}

/** JPEG magic bytes followed by plain text. */
export const jpegMagicThenText = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), textFile]);

/** The start of a PDF: a document, not an image, whatever its name says. */
export const pdfDocument = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

/** A well-formed 2 x 2 24-bit BMP: a real raster, but not a format uploads accept. */
export function bmpImage(): Buffer {
  const rowBytes = 8; // 2 px * 3 bytes, padded to 4
  const pixels = Buffer.alloc(rowBytes * 2, 0x80);
  const header = Buffer.alloc(54);
  header.write("BM", 0, "ascii");
  header.writeUInt32LE(54 + pixels.length, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(2, 18);
  header.writeInt32LE(2, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(pixels.length, 34);
  return Buffer.concat([header, pixels]);
}

/** PNG magic bytes padded with zeros to `bytes`: an oversize upload without holding a real image. */
export function oversizeFile(bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(out);
  return out;
}
