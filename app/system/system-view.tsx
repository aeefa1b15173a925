"use client";

import useSWR from "swr";
import { fetcher } from "@/app/_shared/api";
import { ThrottleBanner } from "@/app/_shared/throttle-banner";
import { fetchHealth, type BatchStats, type ProblemsPage } from "./api";
import { ConcurrencyControl } from "./concurrency-control";
import { MaintenanceActions } from "./maintenance-actions";
import { ProblemsList } from "./problems-list";
import { DiskPanel, HealthBanner, Last24hPanel, QueuePanel } from "./status-panels";

/** The operator's page: is it healthy, is work moving, what broke, and the two repair buttons. */
export function SystemView({ isAdmin }: { isAdmin: boolean }) {
  const health = useSWR("/api/health", fetchHealth, { refreshInterval: 5_000 });
  const stats = useSWR("/api/batches/stats", fetcher<BatchStats>, { refreshInterval: 5_000 });
  const problems = useSWR("/api/maintenance/problems?limit=20", fetcher<ProblemsPage>, { refreshInterval: 15_000 });
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
      <ConcurrencyControl isAdmin={isAdmin} onSaved={refreshAll} />
      <MaintenanceActions health={health.data} onDone={refreshAll} isAdmin={isAdmin} />
      <ProblemsList page={problems.data} error={problems.error} />
    </div>
  );
}
