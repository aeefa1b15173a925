import { z } from "zod";
import { trimWhere } from "@/features/shared/text";
import { DEFAULT_TEMPLATE, templateProblem } from "./filename-template";

export const PIPELINE_FORMATS = ["jpeg", "png", "webp", "avif", "tiff", "original"] as const;
export const PIPELINE_FITS = ["inside", "cover", "contain", "fill", "outside"] as const;
export const METADATA_POLICIES = ["strip", "keep", "copyright_only"] as const;
export const COLOR_POLICIES = ["srgb", "keep_profile", "strip_profile"] as const;
export const CROP_POSITIONS = ["centre", "attention", "entropy"] as const;
export const CHROMA_SUBSAMPLING = ["4:2:0", "4:4:4"] as const;

const dimension = z.number().int().min(1).max(20_000);

/** Where a watermark sits: the corners, the middles of the sides, the centre (sharp's gravity names). */
export const WATERMARK_GRAVITIES = ["northwest", "north", "northeast", "west", "centre", "east", "southwest", "south", "southeast"] as const;

/** A logo stamped on every output after the resize, sized and placed relative to the output. */
export const watermarkSchema = z
  .object({
    asset_id: z.string().trim().min(1).max(100),
    gravity: z.enum(WATERMARK_GRAVITIES).default("southeast"),
    /** The watermark's width as a share of the output's width (its height follows, within the margins). */
    width_pct: z.number().min(1).max(100).default(20),
    opacity: z.number().min(0).max(1).default(0.7),
    /** Distance from the edges it is placed against, as a share of the output's width and height. */
    margin_pct: z.number().min(0).max(25).default(3),
  })
  .strict();

export type WatermarkSpec = z.infer<typeof watermarkSchema>;

/** The flat pipeline spec: one schema for the API, the editor and the processor. */
export const pipelineSpecSchema = z
  .object({
    name: z.string().trim().min(1, "name is required").max(80),
    format: z.enum(PIPELINE_FORMATS),
    width: dimension.nullish(),
    height: dimension.nullish(),
    fit: z.enum(PIPELINE_FITS).default("inside"),
    without_enlargement: z.boolean().default(true),
    quality: z.number().int().min(1).max(100).nullish(),
    /**
     * PNG only: 0 (fastest, largest) to 100 (smallest, slowest), mapped onto zlib levels 0-9
     * (70 -> 6, the encoder's default when unset). Lossless.
     */
    compression: z.number().int().min(0).max(100).nullish(),
    /** PNG only: quantise to a palette of at most 256 colours (lossy; `quality` steers it). */
    palette: z.boolean().default(false),
    /** false = flatten onto `background` (e.g. "PNG 24-bit"); true/absent = keep alpha. */
    alpha: z.boolean().default(true),
    background: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, "background must be #rrggbb")
      .default("#ffffff"),
    /** Remove a uniform border (the top-left pixel's colour, within trim_threshold) before resizing. */
    trim: z.boolean().default(false),
    trim_threshold: z.number().int().min(0).max(255).default(10),
    /** contain with width and height: the image keeps this share of each side free, so the canvas stays exact. */
    padding_pct: z.number().min(0).max(40).default(0),
    /** cover: which part is kept (attention: the most salient, entropy: the busiest, centre). */
    position: z.enum(CROP_POSITIONS).default("centre"),
    /** A mild sharpen after the downscale, against the softness resizing leaves. */
    sharpen: z.boolean().default(false),
    /** JPEG progressive scans (PNG: interlaced). */
    progressive: z.boolean().default(false),
    /** JPEG: mozjpeg's trellis quantisation and scan optimisation (smaller, slower). */
    mozjpeg: z.boolean().default(false),
    /** WebP (0-6; more is treated as 6) and AVIF (0-9): CPU spent for a smaller file. */
    effort: z.number().int().min(0).max(9).nullish(),
    /** JPEG and AVIF: 4:4:4 keeps colour edges crisp (larger); WebP is always 4:2:0. */
    chroma_subsampling: z.enum(CHROMA_SUBSAMPLING).nullish(),
    watermark: watermarkSchema.nullish(),
    /** The older switch: `metadata` wins when both are sent; absent `metadata` follows it (metadata.ts). */
    strip_metadata: z.boolean().default(true),
    /** strip | keep | copyright_only (Artist, Copyright, creator; never GPS). */
    metadata: z.enum(METADATA_POLICIES).optional(),
    /** srgb (convert, embed sRGB) | keep_profile | strip_profile (convert, embed nothing). */
    color: z.enum(COLOR_POLICIES).default("srgb"),
    auto_orient: z.boolean().default(true),
    /** The output's name without extension: `{name}`, `{prefix}_{index}`… (filename-template.ts). */
    filename_template: z
      .string()
      .superRefine((template, ctx) => {
        const problem = templateProblem(template);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .default(DEFAULT_TEMPLATE),
  })
  .strict();

export type PipelineSpec = z.infer<typeof pipelineSpecSchema>;
export type PipelineSpecInput = z.input<typeof pipelineSpecSchema>;

/**
 * What marketplaces ask of a product photo: an exact white square, the product filling it (its own
 * border trimmed, a small margin kept, small photos enlarged), sRGB, progressive JPEG.
 */
export const MARKETPLACE_PIPELINE: PipelineSpecInput = {
  name: "Marketplace 2000 px square, white",
  format: "jpeg",
  width: 2000,
  height: 2000,
  fit: "contain",
  without_enlargement: false,
  background: "#ffffff",
  alpha: false,
  trim: true,
  padding_pct: 5,
  sharpen: true,
  quality: 85,
  progressive: true,
  mozjpeg: true,
};

/** Created on first start when no pipeline exists. */
export const DEFAULT_PIPELINES: PipelineSpecInput[] = [
  { name: "Web JPEG 1600 px", format: "jpeg", width: 1600, height: 1600, fit: "inside", quality: 82 },
  { name: "Thumbnail WebP 400 px", format: "webp", width: 400, height: 400, fit: "inside", quality: 75 },
  { name: "PNG 24-bit 800 px", format: "png", width: 800, height: 800, fit: "inside", alpha: false },
  MARKETPLACE_PIPELINE,
];

export function slugify(name: string): string {
  const dashed = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-");
  return trimWhere(dashed, (c) => c === "-").slice(0, 60) || "pipeline";
}

/** POST /api/pipelines: a spec plus whether it becomes the default. */
export const createPipelineSchema = pipelineSpecSchema.extend({ is_default: z.boolean().optional() }).strict();

/** PATCH /api/pipelines/:id: any spec fields (merged onto the stored spec, then re-validated). */
export const updatePipelineSchema = pipelineSpecSchema
  .partial()
  .extend({ is_default: z.boolean().optional() })
  .strict();

export type CreatePipelineInput = z.infer<typeof createPipelineSchema>;
export type UpdatePipelineInput = z.infer<typeof updatePipelineSchema>;

/** DELETE /api/pipelines/:id: `new_default` (an id or number) becomes the default in the same step. */
export const deletePipelineQuerySchema = z.object({ new_default: z.string().trim().min(1).max(100).optional() }).strict();

/** GET /api/pipelines: live pipelines, or every one with `include_archived=true`. */
export const listPipelinesQuerySchema = z.object({ include_archived: z.string().toLowerCase().pipe(z.enum(["true", "false"])).optional() }).strict();

/** GET /api/jobs/:id/output: `download=1|true` answers as an attachment instead of inline. */
export const jobOutputQuerySchema = z.object({ download: z.enum(["0", "1", "true", "false"]).optional() }).strict();

/** A spec for preview: the name may still be empty while the editor is being filled in. */
export const previewSpecSchema = pipelineSpecSchema.partial({ name: true });

/** Bundled sample images in public/samples (generated by scripts/generate-samples.ts). */
export const SAMPLE_NAMES = ["landscape.jpg", "portrait-exif.jpg", "transparent.png"] as const;

export const previewJsonSchema = z
  .object({ spec: previewSpecSchema, sample: z.enum(SAMPLE_NAMES).default("landscape.jpg") })
  .strict();

/** The file extension an output of each sharp format gets. */
export const FORMAT_EXTENSION = {
  jpeg: "jpg",
  png: "png",
  webp: "webp",
  avif: "avif",
  tiff: "tiff",
  gif: "gif",
} as const;

export type OutputFormat = keyof typeof FORMAT_EXTENSION;

export const FORMAT_MIME: Record<OutputFormat, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  avif: "image/avif",
  tiff: "image/tiff",
  gif: "image/gif",
};
