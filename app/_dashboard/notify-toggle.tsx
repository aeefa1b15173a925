"use client";

import { useEffect, useState } from "react";
import { notificationsSupported, setNotifyOptIn, useNotifyOptIn } from "@/app/_shared/notify";

/** "Notify me": opt in to a browser notification when one of my batches finishes or fails. */
export function NotifyToggle() {
  const on = useNotifyOptIn();
  const [supported, setSupported] = useState(false);
  const [denied, setDenied] = useState(false);
  useEffect(() => setSupported(notificationsSupported()), []);
  if (!supported) return null;
  return (
    <button
      type="button"
      aria-pressed={on}
      onClick={async () => setDenied(!(await setNotifyOptIn(!on)) && !on)}
      title={denied ? "The browser blocked notifications for this site" : "A browser notification when one of your batches finishes or fails"}
      className={`rounded-md border px-3 py-1.5 text-xs font-medium ${on ? "border-sky-600 bg-sky-600 text-white dark:border-sky-400 dark:bg-sky-400 dark:text-slate-950" : "border-slate-300 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"}`}
    >
      {on ? "🔔 Notifying me" : denied ? "Notifications blocked" : "Notify me"}
    </button>
  );
}
