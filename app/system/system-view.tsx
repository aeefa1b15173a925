"use client";

import useSWR from "swr";
import { fetcher } from "@/app/_shared/api";
import { useLive, useThrottled } from "@/app/_shared/live";
import { ThrottleBanner } from "@/app/_shared/throttle-banner";
import { fetchHealth, type BatchStats, type ProblemsPage } from "./api";
import { ConcurrencyControl } from "./concurrency-control";
import { HistoryCharts } from "./history-charts";
import { MaintenanceActions } from "./maintenance-actions";
import { ProblemsList } from "./problems-list";
import { WebhooksPanel } from "./webhooks-panel";
import { DiskPanel, HealthBanner, Last24hPanel, QueuePanel } from "./status-panels";
import { WatchPanel } from "./watch-panel";

/** The operator's page: is it healthy, is work moving, what broke, and the two repair buttons. */
export function SystemView({ isAdmin }: { isAdmin: boolean }) {
  // Queue and run events refetch the numbers (at most every few seconds); polling stays as the fallback.
  const refreshOnEvent = useThrottled(() => void Promise.all([stats.mutate(), problems.mutate()]), 3_000);
  const live = useLive((event) => event.type !== "batch.deleted" && refreshOnEvent());
  const health = useSWR("/api/health", fetchHealth, { refreshInterval: 5_000 });
  const stats = useSWR("/api/batches/stats", fetcher<BatchStats>, { refreshInterval: live ? 30_000 : 5_000 });
  const problems = useSWR("/api/maintenance/problems?limit=20", fetcher<ProblemsPage>, { refreshInterval: live ? 60_000 : 15_000 });
  const refreshAll = () => Promise.all([health.mutate(), stats.mutate(), problems.mutate()]);

  return (
    <div className="space-y-4">
      <HealthBanner health={health.data} error={health.error} />
      <ThrottleBanner throttled={health.data?.queue.throttled} />
      <div className="grid gap-4 md:grid-cols-3">
        <QueuePanel health={health.data} stats={stats.data} />
        <Last24hPanel stats={stats.data} error={stats.error} />
        <DiskPanel health={health.data} />
      </div>
      <WatchPanel />
      <HistoryCharts />
      <ConcurrencyControl isAdmin={isAdmin} onSaved={refreshAll} />
      <MaintenanceActions health={health.data} onDone={refreshAll} isAdmin={isAdmin} />
      {isAdmin && <WebhooksPanel />}
      <ProblemsList page={problems.data} error={problems.error} />
    </div>
  );
}
