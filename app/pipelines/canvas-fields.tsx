"use client";

import { Check, Field } from "@/app/_shared/field";
import { inputClass } from "@/app/_shared/styles";
import { CHROMA_SUBSAMPLING, CROP_POSITIONS } from "@/features/pipelines/schemas";
import type { SectionProps, SpecForm } from "./spec-form";

const POSITION_LABELS: Record<SpecForm["position"], string> = {
  centre: "Centre",
  attention: "Smart: the most eye-catching part",
  entropy: "Smart: the most detailed part",
};

/** Marketplace framing: trim, canvas padding, the crop position for cover, sharpening. */
export function CanvasFields({ form, set, errorOf }: SectionProps) {
  const canvas = Boolean(form.width && form.height && form.fit === "contain");
  return (
    <fieldset className="grid gap-4 sm:grid-cols-2">
      <legend className="mb-2 text-sm font-medium text-slate-800 dark:text-slate-200">Framing</legend>
      <div className="space-y-2">
        <Check id="spec-trim" label="Trim the border" hint="Removes a uniform backdrop around the subject before resizing." checked={form.trim} onChange={(v) => set("trim", v)} />
        {form.trim && (
          <Field id="spec-trim-threshold" label="Trim threshold (0–255)" hint="How far from the corner colour still counts as border." error={errorOf("trim_threshold")} announce>
            {(a) => <input {...a} type="number" inputMode="numeric" min={0} max={255} className={inputClass} value={form.trim_threshold} onChange={(e) => set("trim_threshold", e.target.value)} />}
          </Field>
        )}
      </div>
      {canvas ? (
        <Field id="spec-padding" label="Padding (% of each side)" hint="Free space kept around the image on the exact canvas." error={errorOf("padding_pct")} announce>
          {(a) => <input {...a} type="number" inputMode="decimal" min={0} max={40} step="0.5" className={inputClass} value={form.padding_pct} onChange={(e) => set("padding_pct", e.target.value)} />}
        </Field>
      ) : form.fit === "cover" ? (
        <Field id="spec-position" label="Crop keeps" hint="Which part of the image cover keeps.">
          {(a) => (
            <select {...a} className={inputClass} value={form.position} onChange={(e) => set("position", e.target.value as SpecForm["position"])}>
              {CROP_POSITIONS.map((p) => <option key={p} value={p}>{POSITION_LABELS[p]}</option>)}
            </select>
          )}
        </Field>
      ) : (
        <p className="text-xs text-slate-500 dark:text-slate-400">Choose fit “contain” with a width and height for an exact canvas with padding, or “cover” to pick what the crop keeps.</p>
      )}
      <Check id="spec-sharpen" label="Sharpen after resizing" hint="A mild sharpen against the softness of a downscale." checked={form.sharpen} onChange={(v) => set("sharpen", v)} />
    </fieldset>
  );
}

/** Encoder options for the formats where they matter. */
export function EncoderFields({ form, set, errorOf }: SectionProps) {
  const jpeg = form.format === "jpeg";
  const effort = form.format === "webp" || form.format === "avif";
  const chroma = jpeg || form.format === "avif";
  if (!jpeg && !effort && form.format !== "png") return null;
  return (
    <fieldset className="grid gap-4 sm:grid-cols-2">
      <legend className="mb-2 text-sm font-medium text-slate-800 dark:text-slate-200">Encoder</legend>
      {(jpeg || form.format === "png") && (
        <Check id="spec-progressive" label={jpeg ? "Progressive" : "Interlaced"} hint="Shows a rough image early while it loads." checked={form.progressive} onChange={(v) => set("progressive", v)} />
      )}
      {jpeg && <Check id="spec-mozjpeg" label="mozjpeg" hint="Smaller files at the same quality; slower to encode." checked={form.mozjpeg} onChange={(v) => set("mozjpeg", v)} />}
      {effort && (
        <Field id="spec-effort" label={`Effort (0–${form.format === "webp" ? 6 : 9})`} hint="More CPU for a smaller file; empty uses the encoder default." error={errorOf("effort")} announce>
          {(a) => <input {...a} type="number" inputMode="numeric" min={0} max={9} className={inputClass} value={form.effort} onChange={(e) => set("effort", e.target.value)} />}
        </Field>
      )}
      {chroma && (
        <Field id="spec-chroma" label="Chroma subsampling" hint="4:4:4 keeps colour edges crisp (text, logos); 4:2:0 is smaller.">
          {(a) => (
            <select {...a} className={inputClass} value={form.chroma_subsampling} onChange={(e) => set("chroma_subsampling", e.target.value as SpecForm["chroma_subsampling"])}>
              <option value="">Encoder default</option>
              {CHROMA_SUBSAMPLING.map((c) => <option key={c} value={c}>{c}</option>)}
            </select>
          )}
        </Field>
      )}
    </fieldset>
  );
}
