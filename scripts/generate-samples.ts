/**
 * Generates the bundled preview samples in public/samples from code (no image blobs from elsewhere).
 * Run: npm run samples
 */
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";

const out = path.join(process.cwd(), "public", "samples");

function landscapeSvg(width: number, height: number): string {
  const hills = (y: number, amp: number, color: string) => {
    const points: string[] = [];
    for (let x = 0; x <= width; x += width / 12) points.push(`${x},${y + Math.sin(x / (width / 6)) * amp}`);
    return `<polygon fill="${color}" points="0,${height} ${points.join(" ")} ${width},${height}"/>`;
  };
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#1e3a8a"/><stop offset="0.6" stop-color="#f59e0b"/><stop offset="1" stop-color="#fde68a"/>
    </linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#sky)"/>
    <circle cx="${width * 0.7}" cy="${height * 0.45}" r="${height * 0.12}" fill="#fff7ed"/>
    ${hills(height * 0.62, height * 0.05, "#7c2d12")}
    ${hills(height * 0.72, height * 0.07, "#365314")}
    ${hills(height * 0.84, height * 0.04, "#14532d")}
  </svg>`;
}

/** Fine noise so the JPEG behaves like a photo (quality settings make a visible size difference). */
async function withGrain(image: Buffer, width: number, height: number): Promise<Buffer> {
  const noise = Buffer.alloc(width * height);
  let seed = 7;
  for (let i = 0; i < noise.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    noise[i] = 96 + (seed % 64);
  }
  const grain = await sharp(noise, { raw: { width, height, channels: 1 } }).png().toBuffer();
  return sharp(image).composite([{ input: grain, blend: "soft-light" }]).toBuffer();
}

async function main(): Promise<void> {
  fs.mkdirSync(out, { recursive: true });
  const land = await withGrain(await sharp(Buffer.from(landscapeSvg(1200, 800))).png().toBuffer(), 1200, 800);
  await sharp(land).jpeg({ quality: 88 }).toFile(path.join(out, "landscape.jpg"));

  // Stored sideways (900 x 600) with EXIF orientation 6: shows upright (600 x 900) only when auto-oriented.
  const upright = await withGrain(await sharp(Buffer.from(landscapeSvg(600, 900))).png().toBuffer(), 600, 900);
  await sharp(await sharp(upright).rotate(-90).toBuffer())
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 88 })
    .toFile(path.join(out, "portrait-exif.jpg"));

  const logo = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600">
    <circle cx="300" cy="300" r="240" fill="#0ea5e9" fill-opacity="0.85"/>
    <rect x="190" y="190" width="220" height="220" rx="30" fill="#4f46e5" transform="rotate(20 300 300)"/>
  </svg>`;
  await sharp(Buffer.from(logo)).png().toFile(path.join(out, "transparent.png"));
  console.log(`samples written to ${out}`);
}

void main();
