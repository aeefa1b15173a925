/** The image benchmarks' inputs and their pool: real photos from a folder, worked three at a time. */
import fs from "node:fs";
import path from "node:path";

const PHOTO_EXT = /\.(jpe?g|png|webp|tiff?|avif)$/i;

/** Up to `max` photos (over 20 kB) under `dir`, in name order. */
export function photos(dir: string, max: number): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (PHOTO_EXT.test(entry.name) && fs.statSync(full).size > 20_000) found.push(full);
    }
  };
  walk(dir);
  return found.sort().slice(0, max);
}

/** Runs `work` over `items`, `size` at a time. */
export async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}
