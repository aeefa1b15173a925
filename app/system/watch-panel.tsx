"use client";

import Link from "next/link";
import useSWR from "swr";
import { fetcher } from "@/app/_shared/api";
import { formatClock } from "@/app/_shared/format";
import { cardClass } from "@/app/_shared/styles";
import type { WatchStatus } from "@/features/watch/status";

const muted = "text-slate-500 dark:text-slate-400";

/** The watch folder (WATCH_DIR): what it watches, what is arriving, the last batch it made. */
export function WatchPanel() {
  const { data } = useSWR<WatchStatus>("/api/watch", fetcher, { refreshInterval: 5_000 });
  if (!data) return null;
  return (
    <section aria-labelledby="panel-watch-folder" className={cardClass} data-testid="watch-panel">
      <h2 id="panel-watch-folder" className="mb-2 text-base font-semibold">Watch folder</h2>
      {!data.enabled ? (
        <p className={`text-sm ${muted}`}>Off. Set WATCH_DIR to turn files dropped into a folder into batches.</p>
      ) : (
        <div className="space-y-2 text-sm">
          <p>
            <span className="break-all font-mono">{data.dir}</span>
            <span className={muted}> · batches owned by {data.owner ?? "nobody yet"}</span>
          </p>
          {data.folders.length === 0 ? (
            <p className={muted}>No subfolder is watched yet: create one named after a pipeline's slug, or map one in watch.json.</p>
          ) : (
            <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Watched subfolders">
              {data.folders.map((f) => (
                <li key={f.name} className="flex flex-wrap items-baseline justify-between gap-2 py-1" data-testid="watch-folder">
                  <span><span className="font-mono">{f.name}/</span> <span className={muted}>→ {f.pipelines.join(", ")}</span></span>
                  <span className="tabular-nums">{f.arriving} arriving · {f.waiting} waiting</span>
                </li>
              ))}
            </ul>
          )}
          {data.unmapped.length > 0 && <p className={muted}>Not watched (no pipeline by that slug): {data.unmapped.map((n) => `${n}/`).join(", ")}</p>}
          <p data-testid="watch-last">
            {data.last_batch ? (
              <>
                Last batch: <Link href={`/batches/${data.last_batch.id}`} className="font-mono font-medium text-sky-700 hover:underline dark:text-sky-400">{data.last_batch.name}</Link>{" "}
                <span className={muted}>({data.last_batch.files} files from {data.last_batch.folder}/ at {formatClock(data.last_batch.at)}{data.last_batch.refused ? `, ${data.last_batch.refused} refused` : ""})</span>
              </>
            ) : (
              <span className={muted}>No batch from the folder since the server started.</span>
            )}
          </p>
          {data.problems.length > 0 && (
            <ul className="list-disc pl-5 text-amber-800 dark:text-amber-300" aria-label="Watch folder problems">
              {data.problems.map((p) => <li key={p}>{p}</li>)}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
