import { z } from "zod";

export const PIPELINE_FORMATS = ["jpeg", "png", "webp", "avif", "tiff", "original"] as const;
export const PIPELINE_FITS = ["inside", "cover", "contain", "fill", "outside"] as const;

const dimension = z.number().int().min(1).max(20_000);

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
    /** false = flatten onto `background` (e.g. "PNG 24-bit"); true/absent = keep alpha. */
    alpha: z.boolean().default(true),
    background: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, "background must be #rrggbb")
      .default("#ffffff"),
    strip_metadata: z.boolean().default(true),
    auto_orient: z.boolean().default(true),
  })
  .strict();

export type PipelineSpec = z.infer<typeof pipelineSpecSchema>;
export type PipelineSpecInput = z.input<typeof pipelineSpecSchema>;

/** Created on first start when no pipeline exists. */
export const DEFAULT_PIPELINES: PipelineSpecInput[] = [
  { name: "Web JPEG 1600 px", format: "jpeg", width: 1600, height: 1600, fit: "inside", quality: 82 },
  { name: "Thumbnail WebP 400 px", format: "webp", width: 400, height: 400, fit: "inside", quality: 75 },
  { name: "PNG 24-bit 800 px", format: "png", width: 800, height: 800, fit: "inside", alpha: false },
];

export function slugify(name: string): string {
  return (
    name
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "pipeline"
  );
}
