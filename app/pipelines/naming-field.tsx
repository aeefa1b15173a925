"use client";

import { Field } from "@/app/_shared/field";
import { inputClass } from "@/app/_shared/styles";
import { paddedIndex, renderStem, TEMPLATE_TOKENS, TOKEN_HELP } from "@/features/pipelines/filename-template";
import { FORMAT_EXTENSION, slugify } from "@/features/pipelines/schemas";
import type { SectionProps } from "./spec-form";

/** The file the live example is rendered for: the third of twelve, in a dropped folder. */
const EXAMPLE = { name: "PL_DXB_front", ext: "jpg", prefix: "PL_DXB", index: 3, of: 12, folder: "shoot/day1" };

/** The output name template with a live example rendered by the processor's own code. */
export function NamingField({ form, set, errorOf }: SectionProps) {
  const error = errorOf("filename_template");
  const date = new Date().toLocaleDateString("en-CA");
  const stem = renderStem(form.filename_template, {
    ...EXAMPLE,
    batch: `${EXAMPLE.prefix}_${date}_batch-1`,
    date,
    pipeline: slugify(form.name || "pipeline"),
    width: form.width || "1600",
    height: form.height || "1067",
    index: paddedIndex(EXAMPLE.index, EXAMPLE.of),
    folder: EXAMPLE.folder,
  });
  const ext = form.format === "original" ? EXAMPLE.ext : FORMAT_EXTENSION[form.format];
  return (
    <div className="sm:col-span-2">
      <Field id="spec-filename-template" label="Save outputs as" hint={`Tokens: ${TEMPLATE_TOKENS.map((t) => `{${t}}`).join(" ")}. The extension is added.`} error={error} announce>
        {(a) => <input {...a} className={`${inputClass} font-mono`} value={form.filename_template} onChange={(e) => set("filename_template", e.target.value)} spellCheck={false} autoComplete="off" />}
      </Field>
      {!error && (
        <p data-testid="filename-example" className="mt-1 text-xs text-slate-600 dark:text-slate-400">
          Example: <code className="font-mono text-slate-800 dark:text-slate-200">{`${EXAMPLE.folder}/${EXAMPLE.name}.${EXAMPLE.ext}`}</code> →{" "}
          <code className="font-mono text-slate-800 dark:text-slate-200">{`${stem}.${ext}`}</code>
        </p>
      )}
      <details className="mt-1 text-xs text-slate-600 dark:text-slate-400">
        <summary className="cursor-pointer">What the tokens mean</summary>
        <ul className="mt-1 grid gap-x-4 sm:grid-cols-2">
          {TEMPLATE_TOKENS.map((t) => <li key={t}><code className="font-mono">{`{${t}}`}</code> {TOKEN_HELP[t]}</li>)}
        </ul>
      </details>
    </div>
  );
}
