"use client";

import useSWR from "swr";
import { fetcher } from "./api";

interface PipelineOption {
  id: string;
  name: string;
  archived_at: string | null;
}

/** "All pipelines" or one of them (archived ones too, since their history stays), for filters. */
export function PipelineSelect({ value, onChange, className = "" }: { value: string; onChange: (id: string) => void; className?: string }) {
  const { data } = useSWR<{ data: PipelineOption[] }>("/api/pipelines?include_archived=true", fetcher);
  return (
    <label className={`inline-flex min-w-0 max-w-full items-center gap-2 text-sm ${className}`}>
      <span className="text-slate-600 dark:text-slate-400">Pipeline</span>
      <select
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className="min-w-0 max-w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
      >
        <option value="">All pipelines</option>
        {(data?.data ?? []).map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
            {p.archived_at ? " (archived)" : ""}
          </option>
        ))}
      </select>
    </label>
  );
}
