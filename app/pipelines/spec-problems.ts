import { templateProblem } from "@/features/pipelines/filename-template";
import type { SpecForm } from "./spec-form";

/**
 * The editor's own check, in plain words, before anything is sent: the same limits as the spec
 * schema (features/pipelines/schemas.ts), which the server still enforces. Keys are the fields.
 */
export type SpecProblems = Partial<Record<keyof SpecForm, string>>;

/** The label each field has in the editor, for "Fix: Quality, Max width". */
export const FIELD_LABELS: Partial<Record<keyof SpecForm, string>> = {
  name: "Name",
  quality: "Quality",
  compression: "PNG compression",
  width: "Max width",
  height: "Max height",
  background: "Background colour",
  filename_template: "Save outputs as",
  trim_threshold: "Trim threshold",
  padding_pct: "Padding",
  effort: "Effort",
  watermark_asset: "Watermark image",
  watermark_width: "Watermark width",
  watermark_opacity: "Watermark opacity",
  watermark_margin: "Watermark margin",
};

function wholeNumberProblem(text: string, min: number, max: number, what: string): string | undefined {
  if (text.trim() === "") return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    return `${what} must be a whole number from ${min.toLocaleString("en")} to ${max.toLocaleString("en")}, or empty.`;
  }
  return undefined;
}

function paddingProblem(text: string): string | undefined {
  const n = Number(text);
  return text.trim() === "" || (Number.isFinite(n) && n >= 0 && n <= 40) ? undefined : "Padding must be from 0 to 40 %.";
}

function rangeProblem(text: string, min: number, max: number, what: string): string | undefined {
  const n = Number(text);
  return text.trim() !== "" && Number.isFinite(n) && n >= min && n <= max ? undefined : `${what} must be from ${min} to ${max} %.`;
}

function watermarkProblems(form: SpecForm): SpecProblems {
  if (!form.watermark_on) return {};
  return {
    watermark_asset: form.watermark_asset ? undefined : "Choose or upload a watermark image.",
    watermark_width: rangeProblem(form.watermark_width, 1, 100, "Watermark width"),
    watermark_opacity: rangeProblem(form.watermark_opacity, 0, 100, "Opacity"),
    watermark_margin: rangeProblem(form.watermark_margin, 0, 25, "Margin"),
  };
}

export function specProblems(form: SpecForm): SpecProblems {
  const problems: SpecProblems = {
    name: form.name.trim() === "" ? "Give the pipeline a name." : form.name.trim().length > 80 ? "Keep the name to 80 characters or fewer." : undefined,
    quality: wholeNumberProblem(form.quality, 1, 100, "Quality"),
    compression: form.format === "png" ? wholeNumberProblem(form.compression, 0, 100, "PNG compression") : undefined,
    width: wholeNumberProblem(form.width, 1, 20_000, "Max width"),
    height: wholeNumberProblem(form.height, 1, 20_000, "Max height"),
    background: /^#[0-9a-f]{6}$/i.test(form.background) ? undefined : "Use a colour written like #ffffff (# and six hex digits).",
    filename_template: templateProblem(form.filename_template),
    trim_threshold: form.trim ? wholeNumberProblem(form.trim_threshold, 0, 255, "Trim threshold") : undefined,
    padding_pct: paddingProblem(form.padding_pct),
    effort: form.format === "webp" || form.format === "avif" ? wholeNumberProblem(form.effort, 0, 9, "Effort") : undefined,
    ...watermarkProblems(form),
  };
  for (const key of Object.keys(problems) as (keyof SpecForm)[]) if (!problems[key]) delete problems[key];
  return problems;
}
