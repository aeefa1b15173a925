"use client";

import type { ThrottleState } from "@/features/queue/throttle";
import { Banner } from "./banner";
import { formatDuration } from "./format";

/** "Waiting for resources: CPU 93 % (other processes) for 40 s". */
export function throttleMessage(throttled: ThrottleState, now: number): string {
  const waited = formatDuration(Math.max(0, (now - Date.parse(throttled.since)) / 1000));
  const what =
    throttled.reason === "cpu"
      ? `CPU ${throttled.cpu_pct ?? "–"} % (other processes)`
      : `memory, ${throttled.free_mb.toLocaleString()} MB free`;
  return `Waiting for resources: ${what} for ${waited}`;
}

/**
 * Shown while the queue holds back new jobs because the machine is busy with other work or short
 * of memory (queue.throttled in stats and health); nothing when it is claiming freely.
 */
export function ThrottleBanner({ throttled }: { throttled: ThrottleState | null | undefined }) {
  if (!throttled) return null;
  return (
    <Banner tone="warning" testId="throttle-banner">
      <p className="font-semibold">{throttleMessage(throttled, Date.now())}</p>
      <p className="mt-0.5 text-xs opacity-80">Running jobs go on; new ones start when the machine has room again.</p>
    </Banner>
  );
}
