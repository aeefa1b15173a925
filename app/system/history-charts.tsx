"use client";

import { useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import useSWR from "swr";
import { fetcher } from "@/app/_shared/api";
import { formatCount } from "@/app/_shared/format";
import { PipelineSelect } from "@/app/_shared/pipeline-select";
import { cardClass } from "@/app/_shared/styles";
import type { ChartBucket, ChartHistory } from "@/features/maintenance/chart";
import { axis, bucketLabel, ChartFigure, ChartTooltip, COLORS, grid, ms, pct } from "./chart-parts";

const RANGES = [
  ["24h", "24 hours"],
  ["7d", "7 days"],
  ["30d", "30 days"],
] as const;
type Range = (typeof RANGES)[number][0];

const sum = (rows: ChartBucket[], key: "completed" | "failed" | "crashed" | "runs") => rows.reduce((total, b) => total + b[key], 0);
const peak = (rows: ChartBucket[], key: "p95_ms" | "files_per_min") => Math.max(0, ...rows.map((b) => b[key] ?? 0));

/** /system: runs by outcome, run times and throughput over the last day (hourly) or 7 / 30 days, per pipeline. */
export function HistoryCharts() {
  const [range, setRange] = useState<Range>("24h");
  const [pipelineId, setPipelineId] = useState("");
  const query = new URLSearchParams({ range, ...(pipelineId ? { pipeline_id: pipelineId } : {}) });
  const { data, error } = useSWR<ChartHistory>(`/api/stats/chart?${query}`, fetcher, { refreshInterval: 60_000, keepPreviousData: true });
  const hourly = range === "24h";
  const rows = (data?.data ?? []).map((b) => ({ ...b, label: bucketLabel(b.start, hourly) }));
  const span = hourly ? "the last 24 hours, by hour" : `the last ${range === "7d" ? 7 : 30} days, by day`;
  const tooltip = (format: (key: string, value: number) => string) => <Tooltip cursor={{ fill: "currentColor", fillOpacity: 0.08 }} content={(p) => <ChartTooltip {...p} format={format} />} />;

  return (
    <section aria-labelledby="history-title" className={`${cardClass} space-y-3`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="history-title" className="text-base font-semibold">History</h2>
        <div className="flex min-w-0 max-w-full flex-wrap items-center gap-3">
          <div role="group" aria-label="Time range" className="inline-flex overflow-hidden rounded-md border border-slate-300 text-xs font-medium dark:border-slate-700">
            {RANGES.map(([value, label]) => (
              <button key={value} type="button" aria-pressed={range === value} onClick={() => setRange(value)} className={`px-3 py-1.5 ${range === value ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900" : "hover:bg-slate-100 dark:hover:bg-slate-800"}`}>
                {label}
              </button>
            ))}
          </div>
          <PipelineSelect value={pipelineId} onChange={setPipelineId} />
        </div>
      </div>
      {error && !data && <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">Could not load the history: {error.message}</p>}
      {!data && !error && <div aria-busy="true" aria-label="Loading history" className="h-44 animate-pulse rounded bg-slate-100 dark:bg-slate-800" />}
      {data && (
        <div className="grid gap-4 lg:grid-cols-3" data-range={range}>
          <ChartFigure
            title="Runs by outcome"
            summary={`${formatCount(sum(rows, "completed"))} completed, ${formatCount(sum(rows, "failed"))} failed and ${formatCount(sum(rows, "crashed"))} crashed runs over ${span}.`}
            rows={data.data}
            hourly={hourly}
            columns={[["Completed", (b) => formatCount(b.completed)], ["Failed", (b) => formatCount(b.failed)], ["Crashed", (b) => formatCount(b.crashed)]]}
          >
            <ResponsiveContainer width="100%" height="100%">
              <BarChart accessibilityLayer={false} data={rows} margin={{ top: 4, right: 4, bottom: 0, left: -12 }}>
                <CartesianGrid {...grid} />
                <XAxis dataKey="label" {...axis} minTickGap={16} />
                <YAxis {...axis} allowDecimals={false} width={44} />
                {tooltip((_, v) => formatCount(v))}
                <Legend wrapperStyle={{ fontSize: 11 }} />
                <Bar dataKey="completed" name="Completed" stackId="runs" fill={COLORS.completed} />
                <Bar dataKey="failed" name="Failed" stackId="runs" fill={COLORS.failed} />
                <Bar dataKey="crashed" name="Crashed" stackId="runs" fill={COLORS.crashed} />
              </BarChart>
            </ResponsiveContainer>
          </ChartFigure>
          <ChartFigure
            title="Run time"
            summary={`Completed runs took up to ${ms(peak(rows, "p95_ms"))} at the 95th percentile over ${span}.`}
            rows={data.data}
            hourly={hourly}
            columns={[["p50", (b) => ms(b.p50_ms)], ["p95", (b) => ms(b.p95_ms)]]}
          >
            <ResponsiveContainer width="100%" height="100%">
              <LineChart accessibilityLayer={false} data={rows} margin={{ top: 4, right: 4, bottom: 0, left: -12 }}>
                <CartesianGrid {...grid} />
                <XAxis dataKey="label" {...axis} minTickGap={16} />
                <YAxis {...axis} width={60} tickFormatter={(v: number) => ms(v)} />
                {tooltip((_, v) => ms(v))}
                <Legend wrapperStyle={{ fontSize: 11 }} />
                <Line dataKey="p50_ms" name="p50" stroke={COLORS.p50} strokeWidth={2} dot={{ r: 2 }} connectNulls />
                <Line dataKey="p95_ms" name="p95" stroke={COLORS.p95} strokeWidth={2} dot={{ r: 2 }} connectNulls />
              </LineChart>
            </ResponsiveContainer>
          </ChartFigure>
          <ChartFigure
            title="Throughput and crash rate"
            summary={`Up to ${formatCount(peak(rows, "files_per_min"))} files per minute; ${formatCount(sum(rows, "crashed"))} of ${formatCount(sum(rows, "runs"))} runs crashed over ${span}.`}
            rows={data.data}
            hourly={hourly}
            columns={[["Files / min", (b) => String(b.files_per_min)], ["Crash rate", (b) => pct(b.crash_rate)]]}
          >
            <ResponsiveContainer width="100%" height="100%">
              <LineChart accessibilityLayer={false} data={rows} margin={{ top: 4, right: 4, bottom: 0, left: -12 }}>
                <CartesianGrid {...grid} />
                <XAxis dataKey="label" {...axis} minTickGap={16} />
                <YAxis yAxisId="files" {...axis} width={44} />
                <YAxis yAxisId="crash" orientation="right" {...axis} width={44} domain={[0, (max: number) => Math.max(0.05, max)]} tickFormatter={(v: number) => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`} />
                {tooltip((key, v) => (key === "crash_rate" ? pct(v) : `${v} / min`))}
                <Legend wrapperStyle={{ fontSize: 11 }} />
                <Line yAxisId="files" dataKey="files_per_min" name="Files / min" stroke={COLORS.throughput} strokeWidth={2} dot={false} />
                <Line yAxisId="crash" dataKey="crash_rate" name="Crash rate" stroke={COLORS.crashRate} strokeWidth={2} strokeDasharray="4 3" dot={false} />
              </LineChart>
            </ResponsiveContainer>
          </ChartFigure>
        </div>
      )}
    </section>
  );
}
