import type { WatermarkSpec } from "@/features/pipelines/schemas";
import type { Pipeline } from "./api";

/** The editor's state: text for number inputs so an empty box means "not set". */
export interface SpecForm {
  name: string;
  format: Pipeline["format"];
  width: string;
  height: string;
  fit: Pipeline["fit"];
  without_enlargement: boolean;
  quality: string;
  compression: string;
  palette: boolean;
  alpha: boolean;
  background: string;
  metadata: NonNullable<Pipeline["metadata"]>;
  color: Pipeline["color"];
  auto_orient: boolean;
  filename_template: string;
  trim: boolean;
  trim_threshold: string;
  padding_pct: string;
  position: Pipeline["position"];
  sharpen: boolean;
  progressive: boolean;
  mozjpeg: boolean;
  effort: string;
  chroma_subsampling: "" | NonNullable<Pipeline["chroma_subsampling"]>;
  watermark_on: boolean;
  watermark_asset: string;
  watermark_gravity: WatermarkSpec["gravity"];
  watermark_width: string;
  /** Opacity as a percentage in the form; the spec takes 0-1. */
  watermark_opacity: string;
  watermark_margin: string;
  is_default: boolean;
}

/** What each group of editor controls gets: the form, its setter and a field's current problem. */
export interface SectionProps {
  form: SpecForm;
  set<K extends keyof SpecForm>(key: K, value: SpecForm[K]): void;
  errorOf(key: keyof SpecForm): string | undefined;
}

export const EMPTY_FORM: SpecForm = {
  name: "",
  format: "webp",
  width: "1600",
  height: "1600",
  fit: "inside",
  without_enlargement: true,
  quality: "80",
  compression: "",
  palette: false,
  alpha: true,
  background: "#ffffff",
  metadata: "strip",
  color: "srgb",
  auto_orient: true,
  filename_template: "{name}",
  trim: false,
  trim_threshold: "10",
  padding_pct: "0",
  position: "centre",
  sharpen: false,
  progressive: false,
  mozjpeg: false,
  effort: "",
  chroma_subsampling: "",
  watermark_on: false,
  watermark_asset: "",
  watermark_gravity: "southeast",
  watermark_width: "20",
  watermark_opacity: "70",
  watermark_margin: "3",
  is_default: false,
};

export function formOf(p: Pipeline): SpecForm {
  const text = (n: number | null | undefined) => (n == null ? "" : String(n));
  return {
    name: p.name,
    format: p.format,
    width: text(p.width),
    height: text(p.height),
    fit: p.fit,
    without_enlargement: p.without_enlargement,
    quality: text(p.quality),
    compression: text(p.compression),
    palette: p.palette,
    alpha: p.alpha,
    background: p.background,
    metadata: p.metadata ?? (p.strip_metadata ? "strip" : "keep"),
    color: p.color,
    auto_orient: p.auto_orient,
    filename_template: p.filename_template,
    trim: p.trim,
    trim_threshold: String(p.trim_threshold),
    padding_pct: String(p.padding_pct),
    position: p.position,
    sharpen: p.sharpen,
    progressive: p.progressive,
    mozjpeg: p.mozjpeg,
    effort: text(p.effort),
    chroma_subsampling: p.chroma_subsampling ?? "",
    ...watermarkForm(p.watermark),
    is_default: p.is_default,
  };
}

const num = (text: string) => (text.trim() === "" ? null : Number(text));

/** The spec as the API takes it (the server validates; its 400 names the field). */
export function specBody(form: SpecForm) {
  return {
    name: form.name,
    format: form.format,
    width: num(form.width),
    height: num(form.height),
    fit: form.fit,
    without_enlargement: form.without_enlargement,
    quality: num(form.quality),
    compression: num(form.compression),
    palette: form.palette,
    alpha: form.alpha,
    background: form.background,
    // The older flag, kept in step for clients that still read it.
    strip_metadata: form.metadata !== "keep",
    metadata: form.metadata,
    color: form.color,
    auto_orient: form.auto_orient,
    filename_template: form.filename_template,
    trim: form.trim,
    trim_threshold: num(form.trim_threshold) ?? 10,
    padding_pct: num(form.padding_pct) ?? 0,
    position: form.position,
    sharpen: form.sharpen,
    progressive: form.progressive,
    mozjpeg: form.mozjpeg,
    effort: num(form.effort),
    chroma_subsampling: form.chroma_subsampling || null,
    watermark: form.watermark_on && form.watermark_asset ? {
      asset_id: form.watermark_asset,
      gravity: form.watermark_gravity,
      width_pct: num(form.watermark_width) ?? 20,
      opacity: (num(form.watermark_opacity) ?? 70) / 100,
      margin_pct: num(form.watermark_margin) ?? 0,
    } : null,
  };
}

function watermarkForm(w: Pipeline["watermark"]): Pick<SpecForm, "watermark_on" | "watermark_asset" | "watermark_gravity" | "watermark_width" | "watermark_opacity" | "watermark_margin"> {
  if (!w) return pickWatermark(EMPTY_FORM);
  return {
    watermark_on: true,
    watermark_asset: w.asset_id,
    watermark_gravity: w.gravity,
    watermark_width: String(w.width_pct),
    watermark_opacity: String(Math.round(w.opacity * 100)),
    watermark_margin: String(w.margin_pct),
  };
}

const pickWatermark = ({ watermark_on, watermark_asset, watermark_gravity, watermark_width, watermark_opacity, watermark_margin }: SpecForm) =>
  ({ watermark_on, watermark_asset, watermark_gravity, watermark_width, watermark_opacity, watermark_margin });
