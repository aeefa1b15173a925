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
  };
}
