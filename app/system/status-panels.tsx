"use client";

import { Banner } from "@/app/_shared/banner";
import { formatBytes, formatClock, formatCount, formatPercent } from "@/app/_shared/format";
import { cardClass } from "@/app/_shared/styles";
import type { BatchStats, Health } from "./api";

const muted = "text-slate-500 dark:text-slate-400";

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="flex items-baseline justify-between gap-3 py-1">
      <dt className={`text-sm ${muted}`}>{label}</dt>
      <dd className="font-semibold tabular-nums" data-testid={testId}>{value}</dd>
    </div>
  );
}

function Panel({ title, children }: { title: string; children: React.ReactNode }) {
  const id = `panel-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <section aria-labelledby={id} className={cardClass}>
      <h2 id={id} className="mb-2 text-base font-semibold">{title}</h2>
      {children}
    </section>
  );
}

const Loading = () => <div aria-hidden className="h-24 animate-pulse rounded bg-slate-100 dark:bg-slate-800" />;

export function HealthBanner({ health, error }: { health: Health | undefined; error: Error | undefined }) {
  if (!health && !error) return <Loading />;
  const problems: string[] = [];
  if (error) problems.push(`Health check failed: ${error.message}`);
  if (health && !health.db.ok) problems.push(`Database unavailable: ${health.db.error ?? "unknown error"}`);
  if (health && health.queue.state !== "running" && health.queue.workers_alive === 0) problems.push("No queue worker is running: uploaded files will wait.");
  if (health?.disk?.warn) problems.push(`Disk space is low: ${formatBytes(health.disk.free_bytes)} free.`);
  const ok = health?.status === "ok" && problems.length === 0;
  return (
    <Banner tone={ok ? "success" : "warning"} testId="health-status">
      <p className="font-semibold">{ok ? "All systems normal" : "Needs attention"}</p>
      {problems.length > 0 && (
        <ul className="mt-1 list-disc pl-5">
          {problems.map((p) => <li key={p}>{p}</li>)}
        </ul>
      )}
      {health && <p className={`mt-1 text-xs opacity-80`}>Version {health.version} · up {Math.round(health.uptime_s / 60)} min</p>}
    </Banner>
  );
}

export function QueuePanel({ health, stats }: { health: Health | undefined; stats: BatchStats | undefined }) {
  return (
    <Panel title="Queue">
      {!health ? <Loading /> : (
        <>
          <dl>
            <Stat label="Engine" value={health.queue.state} testId="queue-state" />
            <Stat label="Running jobs" value={`${stats?.queue.running ?? health.queue.active} / ${health.queue.concurrency}`} />
            <Stat label="Waiting jobs" value={stats ? formatCount(stats.queue.depth) : "…"} testId="queue-depth" />
            <Stat label="Workers alive" value={String(health.queue.workers_alive)} testId="workers-alive" />
          </dl>
          {health.queue.workers.length > 0 && (
            <ul className={`mt-2 space-y-0.5 text-xs ${muted}`} aria-label="Workers">
              {health.queue.workers.map((w) => (
                <li key={w.id} className="truncate" title={w.id}>
                  {w.hostname} · pid {w.pid} · heartbeat {formatClock(w.heartbeat_at, { seconds: true })}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Panel>
  );
}

export function Last24hPanel({ stats, error }: { stats: BatchStats | undefined; error: Error | undefined }) {
  const last = stats?.last_24h;
  return (
    <Panel title="Last 24 hours">
      {error && !stats ? (
        <p className={`text-sm ${muted}`}>Statistics are not available: {error.message}</p>
      ) : !last ? <Loading /> : (
        <dl>
          <Stat label="Completed runs" value={formatCount(last.completed)} />
          <Stat label="Failed runs" value={formatCount(last.failed)} testId="failed-24h" />
          <Stat label="Crashed runs" value={formatCount(last.crashed)} />
          <Stat label="Crash rate" value={formatPercent(last.crash_rate)} />
          <Stat label="p95 time per file" value={last.p95_ms === null ? "–" : `${(last.p95_ms / 1000).toFixed(1)} s`} />
        </dl>
      )}
    </Panel>
  );
}

export function DiskPanel({ health }: { health: Health | undefined }) {
  const disk = health?.disk;
  const usedPercent = disk && disk.total_bytes > 0 ? Math.round(((disk.total_bytes - disk.free_bytes) / disk.total_bytes) * 100) : null;
  return (
    <Panel title="Disk">
      {!health ? <Loading /> : !disk ? <p className={`text-sm ${muted}`}>Free space could not be read.</p> : (
        <>
          <dl>
            <Stat label="Free" value={formatBytes(disk.free_bytes)} testId="disk-free" />
            <Stat label="Total" value={formatBytes(disk.total_bytes)} />
            <Stat label="Warns under" value={formatBytes(disk.warn_under_bytes)} />
            <Stat label="Database" value={formatBytes(disk.database_bytes)} testId="disk-database" />
            <Stat label="Data folder" value={disk.data_dir_bytes === null ? "measuring…" : `${formatBytes(disk.data_dir_bytes)} · ${disk.data_dir_files?.toLocaleString("en")} files`} testId="disk-data-dir" />
          </dl>
          {usedPercent !== null && (
            <div className="mt-2 h-2 overflow-hidden rounded bg-slate-200 dark:bg-slate-800" role="meter" aria-label="Disk used" aria-valuenow={usedPercent} aria-valuemin={0} aria-valuemax={100}>
              <div className={`h-full ${disk.warn ? "bg-amber-500" : "bg-sky-500"}`} style={{ width: `${usedPercent}%` }} />
            </div>
          )}
          <p className={`mt-2 break-all text-xs ${muted}`}>{disk.path}</p>
        </>
      )}
    </Panel>
  );
}
