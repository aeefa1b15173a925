"use client";

import { Field } from "@/app/_shared/field";
import { inputClass } from "@/app/_shared/styles";
import { COLOR_POLICIES, METADATA_POLICIES } from "@/features/pipelines/schemas";
import type { SectionProps, SpecForm } from "./spec-form";

const METADATA_LABELS: Record<SpecForm["metadata"], string> = {
  strip: "Strip all",
  copyright_only: "Keep copyright and creator only",
  keep: "Keep all (including GPS)",
};

const COLOR_LABELS: Record<SpecForm["color"], string> = {
  srgb: "Convert to sRGB and embed it",
  keep_profile: "Keep the original profile",
  strip_profile: "Convert to sRGB, no profile",
};

/** Metadata and colour policy (features/pipelines/metadata.ts says what each keeps). */
export function MetadataFields({ form, set }: SectionProps) {
  return (
    <>
      <Field id="spec-metadata" label="Metadata" hint="EXIF, XMP and IPTC. Only “Keep all” keeps GPS positions.">
        {(a) => (
          <select {...a} className={inputClass} value={form.metadata} onChange={(e) => set("metadata", e.target.value as SpecForm["metadata"])}>
            {METADATA_POLICIES.map((m) => <option key={m} value={m}>{METADATA_LABELS[m]}</option>)}
          </select>
        )}
      </Field>
      <Field id="spec-color" label="Colour profile" hint="sRGB looks the same in every browser and marketplace; keep the original for wide-gamut print work.">
        {(a) => (
          <select {...a} className={inputClass} value={form.color} onChange={(e) => set("color", e.target.value as SpecForm["color"])}>
            {COLOR_POLICIES.map((c) => <option key={c} value={c}>{COLOR_LABELS[c]}</option>)}
          </select>
        )}
      </Field>
    </>
  );
}
