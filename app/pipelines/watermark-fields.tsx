"use client";

import { useRef, useState } from "react";
import useSWR from "swr";
import { ApiError, fetcher, request } from "@/app/_shared/api";
import { Check, Field } from "@/app/_shared/field";
import { inputClass, secondaryButton } from "@/app/_shared/styles";
import type { Asset } from "@/features/assets/schemas";
import { WATERMARK_GRAVITIES } from "@/features/pipelines/schemas";
import type { SectionProps, SpecForm } from "./spec-form";

const ASSETS_URL = "/api/assets";

const GRAVITY_LABELS: Record<SpecForm["watermark_gravity"], string> = {
  northwest: "Top left", north: "Top", northeast: "Top right",
  west: "Left", centre: "Centre", east: "Right",
  southwest: "Bottom left", south: "Bottom", southeast: "Bottom right",
};

/** Watermark: a logo (PNG or WebP with transparency) stamped after the resize; the preview shows it. */
export function WatermarkFields({ form, set, errorOf }: SectionProps) {
  const { data, mutate } = useSWR(form.watermark_on ? ASSETS_URL : null, (url: string) => fetcher<{ data: Asset[] }>(url));
  const assets = data?.data ?? [];
  return (
    <fieldset className="space-y-3">
      <legend className="mb-2 text-sm font-medium text-slate-800 dark:text-slate-200">Watermark</legend>
      <Check id="spec-watermark" label="Add a watermark" hint="Your logo on every output, sized with it." checked={form.watermark_on} onChange={(v) => set("watermark_on", v)} />
      {form.watermark_on && (
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="space-y-2">
            <Field id="spec-watermark-asset" label="Watermark image" error={errorOf("watermark_asset")} announce>
              {(a) => (
                <select {...a} className={inputClass} value={form.watermark_asset} onChange={(e) => set("watermark_asset", e.target.value)}>
                  <option value="">{assets.length ? "Choose…" : "None uploaded yet"}</option>
                  {assets.map((asset) => <option key={asset.id} value={asset.id}>{asset.name} ({asset.width}×{asset.height})</option>)}
                </select>
              )}
            </Field>
            <AssetUpload onUploaded={async (asset) => { await mutate(); set("watermark_asset", asset.id); }} />
            {form.watermark_asset && (
              <img src={`/api/assets/${form.watermark_asset}/image`} alt="The chosen watermark" className="h-12 w-auto rounded border border-slate-200 bg-[repeating-conic-gradient(#e2e8f0_0_25%,transparent_0_50%)] bg-[length:12px_12px] p-1 dark:border-slate-700" />
            )}
          </div>
          <GravityPicker value={form.watermark_gravity} onChange={(g) => set("watermark_gravity", g)} />
          <Field id="spec-watermark-width" label="Width (% of the output)" error={errorOf("watermark_width")} announce>
            {(a) => <input {...a} type="number" inputMode="decimal" min={1} max={100} className={inputClass} value={form.watermark_width} onChange={(e) => set("watermark_width", e.target.value)} />}
          </Field>
          <Field id="spec-watermark-opacity" label="Opacity (%)" error={errorOf("watermark_opacity")} announce>
            {(a) => <input {...a} type="number" inputMode="numeric" min={0} max={100} className={inputClass} value={form.watermark_opacity} onChange={(e) => set("watermark_opacity", e.target.value)} />}
          </Field>
          <Field id="spec-watermark-margin" label="Margin (% of the output)" hint="Distance from the edges it sits against." error={errorOf("watermark_margin")} announce>
            {(a) => <input {...a} type="number" inputMode="decimal" min={0} max={25} className={inputClass} value={form.watermark_margin} onChange={(e) => set("watermark_margin", e.target.value)} />}
          </Field>
        </div>
      )}
    </fieldset>
  );
}

function GravityPicker({ value, onChange }: { value: SpecForm["watermark_gravity"]; onChange(g: SpecForm["watermark_gravity"]): void }) {
  return (
    <div role="radiogroup" aria-labelledby="spec-watermark-gravity-label">
      <p id="spec-watermark-gravity-label" className="text-sm font-medium text-slate-800 dark:text-slate-200">Position</p>
      <div className="mt-1 grid w-36 grid-cols-3 gap-1">
        {WATERMARK_GRAVITIES.map((g) => (
          <button
            key={g}
            type="button"
            role="radio"
            aria-checked={value === g}
            aria-label={GRAVITY_LABELS[g]}
            title={GRAVITY_LABELS[g]}
            onClick={() => onChange(g)}
            className={`h-9 rounded border text-xs ${value === g ? "border-sky-600 bg-sky-600 text-white dark:border-sky-400 dark:bg-sky-500 dark:text-slate-950" : "border-slate-300 bg-white hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"}`}
          >
            {value === g ? "●" : "○"}
          </button>
        ))}
      </div>
    </div>
  );
}

function AssetUpload({ onUploaded }: { onUploaded(asset: Asset): Promise<void> }) {
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const upload = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setError("");
    try {
      const body = new FormData();
      body.set("file", file);
      await onUploaded(await request<Asset>(ASSETS_URL, { method: "POST", body }));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "The upload failed.");
    } finally {
      setBusy(false);
      if (input.current) input.current.value = "";
    }
  };
  return (
    <div>
      <input ref={input} id="spec-watermark-upload" type="file" accept="image/png,image/webp" className="sr-only" onChange={(e) => void upload(e.target.files?.[0])} />
      <button type="button" className={secondaryButton} disabled={busy} onClick={() => input.current?.click()}>
        {busy ? "Uploading…" : "Upload a logo (PNG or WebP)…"}
      </button>
      {error && <p role="alert" className="mt-1 text-xs font-medium text-red-700 dark:text-red-400">{error}</p>}
    </div>
  );
}
