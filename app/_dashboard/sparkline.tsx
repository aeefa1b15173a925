"use client";

import { Line, LineChart, Tooltip } from "recharts";
import useSWR from "swr";
import { fetcher } from "@/app/_shared/api";
import { formatCount } from "@/app/_shared/format";
import type { ChartHistory } from "@/features/maintenance/chart";

/** Completed runs per hour over the last 24 hours, as a small line in the throughput tile. */
export function ThroughputSparkline() {
  const { data } = useSWR<ChartHistory>("/api/stats/chart?range=24h", fetcher, { refreshInterval: 300_000 });
  if (!data) return null;
  const total = data.data.reduce((sum, b) => sum + b.completed, 0);
  const rows = data.data.map((b) => ({ hour: new Date(b.start).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" }), completed: b.completed }));
  return (
    <div className="absolute right-2 top-2" data-testid="throughput-sparkline">
      <span className="sr-only">{formatCount(total)} runs completed in the last 24 hours.</span>
      <div aria-hidden title={`Completed per hour, last 24 h: ${formatCount(total)}`}>
        <LineChart accessibilityLayer={false} width={72} height={24} data={rows}>
          <Tooltip
            cursor={false}
            content={({ active, payload }) =>
              active && payload?.length ? (
                <span className="rounded bg-white px-1.5 py-0.5 text-[10px] shadow dark:bg-slate-800 dark:text-slate-100">
                  {payload[0]!.payload.hour}: {formatCount(Number(payload[0]!.value))}
                </span>
              ) : null
            }
          />
          <Line dataKey="completed" stroke="#10b981" strokeWidth={1.5} dot={false} isAnimationActive={false} />
        </LineChart>
      </div>
    </div>
  );
}
