"use client";

import { useRef } from "react";
import { useLive } from "./live";
import { useNotifyOptIn } from "./notify";

const FINISHED = new Set(["completed", "failed", "cancelled"]);
/** A batch that finished longer ago than this (a replay after reconnecting) is not announced. */
const RECENT_MS = 2 * 60_000;

/**
 * Browser notifications for the signed-in person's own batches when they finish, fail or are
 * cancelled, while any Batchyard tab is open and they opted in. The batch id is the notification's
 * tag, so several open tabs show one notification, not one each.
 */
export function BatchNotifier({ userId }: { userId: string }) {
  const on = useNotifyOptIn();
  return on ? <Notifier userId={userId} /> : null;
}

function Notifier({ userId }: { userId: string }) {
  const told = useRef(new Set<string>());
  useLive((event) => {
    if (event.type !== "batch") return;
    const b = event.data;
    if (b.owner_id !== userId || !FINISHED.has(b.status) || told.current.has(b.id)) return;
    if (!b.completed_at || Date.now() - Date.parse(b.completed_at) > RECENT_MS) return;
    told.current.add(b.id);
    const failed = b.status === "failed" || b.failed_jobs > 0;
    const title = b.status === "cancelled" ? "Batch cancelled" : b.status === "failed" ? "Batch failed" : failed ? "Batch finished with failures" : "Batch finished";
    const body = `${b.base_directory_name}: ${b.completed_jobs} done${b.failed_jobs ? `, ${b.failed_jobs} failed` : ""}`;
    const notification = new Notification(title, { body, tag: `batch-${b.id}` });
    notification.onclick = () => {
      window.focus();
      window.location.assign(`/batches/${b.id}`);
    };
  });
  return null;
}
