import { z } from "zod";

/** The largest watermark file accepted: a logo, not a photo. */
export const ASSET_MAX_BYTES = 10 * 1024 * 1024;
/** And its largest pixel count: it is resized onto every output, so it is kept small. */
export const ASSET_MAX_PIXELS = 25_000_000;
/** Watermarks need transparency: PNG or WebP. */
export const ASSET_MIME_TYPES = ["image/png", "image/webp"] as const;

/** GET /api/assets: live assets, or every one with `include_archived=true`. */
export const listAssetsQuerySchema = z.object({ include_archived: z.string().toLowerCase().pipe(z.enum(["true", "false"])).optional() }).strict();

/** An asset as the API answers it. */
export interface Asset {
  id: string;
  name: string;
  mime: string;
  size: number;
  width: number;
  height: number;
  sha256: string;
  image_url: string;
  created_at: string;
  archived_at: string | null;
}
