"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { ApiError, networkError } from "@/app/_shared/api";
import { Banner } from "@/app/_shared/banner";
import { Check, Field } from "@/app/_shared/field";
import { cardClass, inputClass, primaryButton, secondaryButton } from "@/app/_shared/styles";
import { PIPELINE_FITS, PIPELINE_FORMATS } from "@/features/pipelines/schemas";
import { api, type Pipeline } from "./api";
import { CanvasFields, EncoderFields } from "./canvas-fields";
import { MetadataFields } from "./metadata-fields";
import { NamingField } from "./naming-field";
import { PreviewPanel } from "./preview-panel";
import { WatermarkFields } from "./watermark-fields";
import { EMPTY_FORM, formOf, specBody, type SpecForm } from "./spec-form";
import { FIELD_LABELS, specProblems } from "./spec-problems";

interface Props {
  pipeline?: Pipeline;
  onCancel(): void;
  onSaved(pipeline: Pipeline, created: boolean): Promise<void>;
}

const FORMAT_LABELS: Record<string, string> = { original: "Same as input" };

export function PipelineEditor({ pipeline, onCancel, onSaved }: Props) {
  const [form, setForm] = useState<SpecForm>(pipeline ? formOf(pipeline) : EMPTY_FORM);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState("");
  const [saving, setSaving] = useState(false);
  // A field's own problem shows once it was edited (an untouched empty name is not an error yet).
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const heading = useRef<HTMLHeadingElement>(null);
  const set = <K extends keyof SpecForm>(key: K, value: SpecForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setTouched((t) => (t.has(key) ? t : new Set(t).add(key)));
    // The server's message for a field goes once the field is edited; a new save re-validates.
    setFieldErrors(({ [key]: _gone, ...rest }) => rest);
    setFormError("");
  };

  // Opening the editor moves focus (and, on a phone, the view) to it.
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: "start", behavior: "smooth" });
  }, []);
  const title = pipeline ? `Edit “${pipeline.name}”` : "New pipeline";
  const problems = specProblems(form);
  const invalid = Object.keys(problems) as (keyof SpecForm)[];
  const errorOf = (key: keyof SpecForm) => (touched.has(key) ? problems[key] : undefined) ?? fieldErrors[key];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (invalid.length > 0) {
      // Enter in a field submits even while the button is disabled: show every problem instead.
      setTouched(new Set(invalid));
      return;
    }
    setSaving(true);
    setFieldErrors({});
    setFormError("");
    try {
      const body = { ...specBody(form), ...(form.is_default && !pipeline?.is_default ? { is_default: true } : {}) };
      const saved = pipeline ? await api.update(pipeline.id, body) : await api.create(body);
      await onSaved(saved, !pipeline);
    } catch (e) {
      const error = e instanceof ApiError ? e : networkError();
      setFieldErrors(error.fields);
      setFormError(error.message);
    } finally {
      setSaving(false);
    }
  };

  const sizeDisabled = !form.width && !form.height;
  return (
    <form onSubmit={submit} noValidate aria-labelledby="editor-title" className={`${cardClass} space-y-5`}>
      <h2 id="editor-title" ref={heading} tabIndex={-1} className="text-lg font-semibold focus:outline-none">{title}</h2>
      {formError && <Banner tone="error">{formError}</Banner>}
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="sm:col-span-2">
          <Field id="spec-name" label="Name" error={errorOf("name")} announce>
            {(a) => <input {...a} className={inputClass} value={form.name} onChange={(e) => set("name", e.target.value)} autoComplete="off" />}
          </Field>
        </div>
        <Field id="spec-format" label="Format" error={fieldErrors.format}>
          {(a) => (
            <select {...a} className={inputClass} value={form.format} onChange={(e) => set("format", e.target.value as SpecForm["format"])}>
              {PIPELINE_FORMATS.map((f) => (
                <option key={f} value={f}>{FORMAT_LABELS[f] ?? f.toUpperCase()}</option>
              ))}
            </select>
          )}
        </Field>
        <Field id="spec-quality" label="Quality (1–100)" hint="JPEG, WebP, AVIF and TIFF (and a PNG palette); empty uses the encoder default." error={errorOf("quality")} announce>
          {(a) => <input {...a} type="number" inputMode="numeric" min={1} max={100} className={inputClass} value={form.quality} onChange={(e) => set("quality", e.target.value)} />}
        </Field>
        {form.format === "png" && (
          <Field id="spec-compression" label="PNG compression (0–100)" hint="Higher is smaller and slower; still lossless. Empty uses the encoder default (70)." error={errorOf("compression")} announce>
            {(a) => <input {...a} type="number" inputMode="numeric" min={0} max={100} className={inputClass} value={form.compression} onChange={(e) => set("compression", e.target.value)} />}
          </Field>
        )}
        <Field id="spec-width" label="Max width (px)" hint="Empty keeps the proportion from the height." error={errorOf("width")} announce>
          {(a) => <input {...a} type="number" inputMode="numeric" min={1} className={inputClass} value={form.width} onChange={(e) => set("width", e.target.value)} />}
        </Field>
        <Field id="spec-height" label="Max height (px)" hint="Leave both empty to keep the original size." error={errorOf("height")} announce>
          {(a) => <input {...a} type="number" inputMode="numeric" min={1} className={inputClass} value={form.height} onChange={(e) => set("height", e.target.value)} />}
        </Field>
        <Field id="spec-fit" label="Fit" hint="inside: fit within the box · cover: fill and crop · contain: pad · fill: stretch · outside: cover the box" error={fieldErrors.fit}>
          {(a) => (
            <select {...a} className={inputClass} value={form.fit} disabled={sizeDisabled} onChange={(e) => set("fit", e.target.value as SpecForm["fit"])}>
              {PIPELINE_FITS.map((f) => <option key={f} value={f}>{f}</option>)}
            </select>
          )}
        </Field>
        <MetadataFields form={form} set={set} errorOf={errorOf} />
        <Field id="spec-background" label="Background colour" hint="Used when flattening and for contain padding." error={errorOf("background")} announce>
          {(a) => (
            <div className="flex items-center gap-2">
              <input type="color" aria-label="Pick background colour" className="mt-1 h-9 w-12 cursor-pointer rounded border border-slate-300 bg-transparent dark:border-slate-700" value={/^#[0-9a-f]{6}$/i.test(form.background) ? form.background : "#ffffff"} onChange={(e) => set("background", e.target.value)} />
              <input {...a} className={inputClass} value={form.background} onChange={(e) => set("background", e.target.value)} spellCheck={false} />
            </div>
          )}
        </Field>
        <NamingField form={form} set={set} errorOf={errorOf} />
      </div>
      <CanvasFields form={form} set={set} errorOf={errorOf} />
      <EncoderFields form={form} set={set} errorOf={errorOf} />
      <WatermarkFields form={form} set={set} errorOf={errorOf} />
      <fieldset className="grid gap-3 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-medium text-slate-800 dark:text-slate-200">Options</legend>
        <Check id="spec-without-enlargement" label="Never enlarge" hint="Smaller images keep their size." checked={form.without_enlargement} onChange={(v) => set("without_enlargement", v)} />
        <Check id="spec-alpha" label="Keep transparency" hint="Off: flatten onto the background (e.g. PNG 24-bit)." checked={form.alpha} onChange={(v) => set("alpha", v)} />
        {form.format === "png" && (
          <Check id="spec-palette" label="PNG palette" hint="Quantise to at most 256 colours: much smaller, lossy (Quality steers it)." checked={form.palette} onChange={(v) => set("palette", v)} />
        )}
        <Check id="spec-orient" label="Auto-orient" hint="Rotate upright using the camera's EXIF orientation." checked={form.auto_orient} onChange={(v) => set("auto_orient", v)} />
        {!pipeline?.is_default && (
          <Check id="spec-default" label="Use as default pipeline" hint="Uploads without a chosen pipeline use it." checked={form.is_default} onChange={(v) => set("is_default", v)} />
        )}
      </fieldset>
      <PreviewPanel spec={specBody(form)} paused={invalid.some((k) => k !== "name")} />
      <div className="flex flex-wrap items-center justify-end gap-2">
        <p id="editor-blocked" aria-live="polite" className="mr-auto text-xs text-slate-600 dark:text-slate-400">
          {invalid.length > 0 && `To ${pipeline ? "save" : "create the pipeline"}, fix: ${invalid.map((k) => FIELD_LABELS[k] ?? k).join(", ")}.`}
        </p>
        <button type="button" className={secondaryButton} onClick={onCancel}>Close</button>
        <button type="submit" className={primaryButton} disabled={saving || invalid.length > 0} aria-describedby="editor-blocked">
          {saving ? "Saving…" : pipeline ? "Save changes" : "Create pipeline"}
        </button>
      </div>
    </form>
  );
}
