"use client";

import type { ReactNode } from "react";
import type { ChartBucket } from "@/features/maintenance/chart";

/** Series colours that read on white and on slate-900 alike. */
export const COLORS = {
  completed: "#10b981",
  failed: "#f43f5e",
  crashed: "#f59e0b",
  p50: "#0ea5e9",
  p95: "#8b5cf6",
  throughput: "#0ea5e9",
  crashRate: "#f59e0b",
};

/** Axis and grid props that follow the text colour (light or dark) of the chart's box. */
export const axis = { tick: { fill: "currentColor", fontSize: 11 }, stroke: "currentColor", strokeOpacity: 0.4, tickLine: false } as const;
export const grid = { stroke: "currentColor", strokeOpacity: 0.12, vertical: false } as const;

export function bucketLabel(iso: string, hourly: boolean): string {
  const d = new Date(iso);
  return hourly ? d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" }) : d.toLocaleDateString(undefined, { month: "short", day: "numeric" });
}

export const ms = (value: number | null | undefined) => (value == null ? "–" : value >= 10_000 ? `${(value / 1000).toFixed(0)} s` : value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);
export const pct = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;

interface TooltipProps {
  active?: boolean;
  label?: string | number;
  payload?: readonly { name?: string | number; value?: unknown; color?: string; dataKey?: unknown }[];
  format: (key: string, value: number) => string;
}

/** The hover box: the bucket and each series' value, styled for light and dark. */
export function ChartTooltip({ active, label, payload, format }: TooltipProps) {
  if (!active || !payload?.length) return null;
  return (
    <div className="rounded-md border border-slate-200 bg-white px-2.5 py-1.5 text-xs shadow-md dark:border-slate-700 dark:bg-slate-800 dark:text-slate-100">
      <p className="mb-0.5 font-semibold">{label}</p>
      {payload.map((p) => (
        <p key={String(p.dataKey)} className="flex items-center gap-1.5">
          <span aria-hidden className="inline-block h-2 w-2 rounded-sm" style={{ background: p.color }} />
          {p.name}: <span className="font-medium tabular-nums">{format(String(p.dataKey), Number(p.value))}</span>
        </p>
      ))}
    </div>
  );
}

interface FigureProps {
  title: string;
  /** What the chart shows, in words: the figure's accessible name. */
  summary: string;
  rows: ChartBucket[];
  hourly: boolean;
  columns: [label: string, value: (b: ChartBucket) => string][];
  children: ReactNode;
}

/**
 * One chart as a figure: a title, the chart (hidden from screen readers and out of the tab order,
 * since the summary and the table say the same), and the same numbers as a table on demand.
 */
export function ChartFigure({ title, summary, rows, hourly, columns, children }: FigureProps) {
  return (
    <figure role="group" aria-label={`${title}: ${summary}`} className="min-w-0 space-y-1" data-testid="history-chart">
      <figcaption className="text-sm font-medium">{title}</figcaption>
      <div aria-hidden className="h-44 text-slate-500 dark:text-slate-400">
        {children}
      </div>
      <details className="text-xs">
        <summary className="cursor-pointer text-slate-600 hover:underline dark:text-slate-400">Show as table</summary>
        <div className="mt-1 max-h-56 overflow-auto">
          <table className="w-full text-left tabular-nums">
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr className="text-slate-500 dark:text-slate-400">
                <th scope="col" className="pr-2 font-medium">{hourly ? "Hour" : "Day"}</th>
                {columns.map(([label]) => (
                  <th key={label} scope="col" className="pr-2 font-medium">{label}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((b) => (
                <tr key={b.start} className="border-t border-slate-100 dark:border-slate-800">
                  <th scope="row" className="pr-2 font-normal">{bucketLabel(b.start, hourly)}</th>
                  {columns.map(([label, value]) => (
                    <td key={label} className="pr-2">{value(b)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
