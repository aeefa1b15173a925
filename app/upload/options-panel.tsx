"use client";

import useSWR from "swr";
import { fetcher } from "@/app/_shared/api";
import { Check, Field } from "@/app/_shared/field";
import { inputClass } from "@/app/_shared/styles";
import type { NamePreview } from "./use-name-preview";

export interface UploadOptions {
  pipelineIds: string[];
  priority: "high" | "normal" | "low";
  description: string;
  customerPrefix: string;
  /** Send each file's folder path (`shoot/day1/a.png`) so the batch and its ZIP keep the tree. */
  keepFolders: boolean;
}

interface PipelineItem {
  id: string;
  name: string;
  is_default: boolean;
}

const PREFIX_PATTERN = /^[A-Z0-9]+(_[A-Z0-9]+){0,2}$/;
export const prefixProblem = (prefix: string) =>
  prefix && !PREFIX_PATTERN.test(prefix) ? "Use A–Z and 0–9 segments joined by _, at most 3 (e.g. PL_DXB)." : undefined;

/** Pipelines, priority, description and customer prefix with the live batch-name preview. */
export function OptionsPanel(props: {
  value: UploadOptions;
  onChange(next: UploadOptions): void;
  onPipelinesLoaded(defaults: string[]): void;
  autoDescription: (names: string[]) => string;
  preview?: NamePreview;
  previewError?: string;
  disabled: boolean;
}) {
  const { value, onChange } = props;
  const pipelines = useSWR<{ data: PipelineItem[] }>("/api/pipelines", fetcher, {
    revalidateOnFocus: false,
    onSuccess: (body) => props.onPipelinesLoaded(body.data.filter((p) => p.is_default).map((p) => p.id)),
  });
  const list = pipelines.data?.data ?? [];
  const chosenNames = list.filter((p) => value.pipelineIds.includes(p.id)).map((p) => p.name);
  const toggle = (id: string, on: boolean) =>
    onChange({ ...value, pipelineIds: on ? [...value.pipelineIds, id] : value.pipelineIds.filter((x) => x !== id) });
  const prefixError = prefixProblem(value.customerPrefix);

  return (
    <div className="space-y-4">
      <fieldset disabled={props.disabled}>
        <legend className="text-sm font-medium text-slate-800 dark:text-slate-200">Pipelines</legend>
        <p id="pipelines-hint" className="text-xs text-slate-500 dark:text-slate-400">Every file runs through each chosen pipeline.</p>
        {pipelines.error && <p role="alert" className="mt-1 text-sm text-red-700 dark:text-red-400">Could not load pipelines.</p>}
        {!pipelines.data && !pipelines.error && <p className="mt-1 text-sm text-slate-500">Loading pipelines…</p>}
        <ul className="mt-2 space-y-1">
          {list.map((p) => (
            <li key={p.id} className="flex items-center gap-2">
              <input id={`pipeline-${p.id}`} type="checkbox" className="h-4 w-4 accent-sky-600" checked={value.pipelineIds.includes(p.id)} onChange={(e) => toggle(p.id, e.target.checked)} />
              <label htmlFor={`pipeline-${p.id}`} className="text-sm">
                {p.name}
                {p.is_default && <span className="ml-1 text-xs text-slate-500 dark:text-slate-400">(default)</span>}
              </label>
            </li>
          ))}
        </ul>
        {pipelines.data && value.pipelineIds.length === 0 && <p className="mt-1 text-xs font-medium text-red-700 dark:text-red-400">Choose at least one pipeline.</p>}
      </fieldset>

      <Field id="priority" label="Priority" hint="High runs before normal before low.">
        {(a11y) => (
          <select {...a11y} className={inputClass} disabled={props.disabled} value={value.priority} onChange={(e) => onChange({ ...value, priority: e.target.value as UploadOptions["priority"] })}>
            <option value="high">High</option>
            <option value="normal">Normal</option>
            <option value="low">Low</option>
          </select>
        )}
      </Field>

      <Field id="description" label="Description" hint="Optional; left empty it describes the files and pipelines.">
        {(a11y) => (
          <input {...a11y} className={inputClass} disabled={props.disabled} maxLength={1000} value={value.description} placeholder={props.autoDescription(chosenNames)} onChange={(e) => onChange({ ...value, description: e.target.value })} />
        )}
      </Field>

      <Field id="customer-prefix" label="Customer prefix" hint="Optional; otherwise taken from the file names (PL_DXB_front.png → PL_DXB)." error={prefixError}>
        {(a11y) => (
          <input
            {...a11y}
            className={`${inputClass} font-mono uppercase placeholder:normal-case`}
            disabled={props.disabled}
            maxLength={60}
            autoComplete="off"
            spellCheck={false}
            value={value.customerPrefix}
            placeholder="e.g. PL_DXB"
            onChange={(e) => onChange({ ...value, customerPrefix: e.target.value.toUpperCase().replace(/\s+/g, "_") })}
          />
        )}
      </Field>

      <Check
        id="keep-folders"
        label="Keep folder structure"
        hint="Files from dropped folders keep their folders in the batch and its ZIP; the prefix can come from folder names (ACME_chair/front.jpg → ACME)."
        checked={value.keepFolders}
        onChange={(on) => onChange({ ...value, keepFolders: on })}
      />

      <div className="rounded-md bg-slate-100 px-3 py-2 dark:bg-slate-800">
        <p className="text-xs text-slate-600 dark:text-slate-400">Batch name</p>
        <p className="break-all font-mono text-sm font-semibold" data-testid="name-preview" aria-live="polite">
          {prefixError ? "–" : (props.preview?.base_directory_name ?? "…")}
        </p>
        {props.previewError && !prefixError && <p className="text-xs text-red-700 dark:text-red-400">{props.previewError}</p>}
      </div>
    </div>
  );
}
