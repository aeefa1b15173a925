"use client";

import { useEffect, useState } from "react";
import { ApiError, request } from "@/app/_shared/api";
import { previewName } from "./selection";

export interface NamePreview {
  customer_prefix: string;
  batch_date: string;
  batch_counter: number;
  base_directory_name: string;
}

/** The batch name the server would give now, refreshed 300 ms after the prefix or files change. */
export function useNamePreview(prefix: string, fileNames: string[], refreshKey: number) {
  const [preview, setPreview] = useState<NamePreview>();
  const [error, setError] = useState<string>();
  // Folders count too (the prefix may come from them): each segment is shortened alike.
  const names = fileNames.map((name) => name.split("/").slice(-4).map(previewName).join("/")).join("\n");

  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      const params = new URLSearchParams();
      if (prefix) params.set("customer_prefix", prefix);
      for (const name of names ? names.split("\n") : []) params.append("file_names", name);
      try {
        setPreview(await request<NamePreview>(`/api/batches/preview-name?${params}`, { signal: controller.signal }));
        setError(undefined);
      } catch (e) {
        if ((e as Error).name === "AbortError") return;
        if (e instanceof ApiError && e.status > 0) {
          setError(e.message);
          setPreview(undefined);
        } else setError("Could not reach the server for the name preview.");
      }
    }, 300);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [prefix, names, refreshKey]);

  return { preview, error };
}
