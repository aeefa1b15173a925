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
