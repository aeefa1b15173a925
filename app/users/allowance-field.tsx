"use client";

import { inputClass } from "@/app/_shared/styles";
import type { AllowanceForm, AllowanceKind } from "./api";

const BASE_UNITS = ["hour", "day"];

interface Props {
  value: AllowanceForm;
  /** What "role default" means for the role being edited, e.g. "3/hour" or "unlimited". */
  defaultText: string;
  error?: string;
  onChange(value: AllowanceForm): void;
}

/** Role default, unlimited, or a custom number of uploads per hour or day. */
export function AllowanceField({ value, defaultText, error, onChange }: Props) {
  // An allowance set elsewhere (CLI, API) in minutes or seconds keeps its unit selectable.
  const units = BASE_UNITS.includes(value.unit) ? BASE_UNITS : [...BASE_UNITS, value.unit];
  const set = (change: Partial<AllowanceForm>) => onChange({ ...value, ...change });
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-800 dark:text-slate-200">Upload allowance</legend>
      <label htmlFor="allowance-kind" className="sr-only">Kind of allowance</label>
      <select id="allowance-kind" value={value.kind} onChange={(e) => set({ kind: e.target.value as AllowanceKind })} className={inputClass}>
        <option value="default">Role default ({defaultText})</option>
        <option value="off">Unlimited</option>
        <option value="custom">Custom</option>
      </select>
      {value.kind === "custom" && (
        <div className="flex flex-wrap items-start gap-2">
          <div className="w-32">
            <label htmlFor="allowance-count" className="block text-xs font-medium text-slate-700 dark:text-slate-300">Uploads</label>
            <input
              id="allowance-count"
              type="number"
              inputMode="numeric"
              min={1}
              max={999999}
              step={1}
              value={value.count}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "allowance-error" : undefined}
              onChange={(e) => set({ count: e.target.value })}
              className={inputClass}
            />
          </div>
          <div className="w-32">
            <label htmlFor="allowance-unit" className="block text-xs font-medium text-slate-700 dark:text-slate-300">per</label>
            <select id="allowance-unit" value={value.unit} onChange={(e) => set({ unit: e.target.value })} className={inputClass}>
              {units.map((unit) => (
                <option key={unit} value={unit}>{unit}</option>
              ))}
            </select>
          </div>
        </div>
      )}
      {error && (
        <p id="allowance-error" role="alert" className="text-xs font-medium text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </fieldset>
  );
}
