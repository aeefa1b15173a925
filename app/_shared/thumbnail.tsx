"use client";

import { useState } from "react";

/** "JPG" for "front.jpg": what a placeholder shows instead of an empty square. */
export const extensionLabel = (name: string) => (name.includes(".") ? name.slice(name.lastIndexOf(".") + 1).slice(0, 4).toUpperCase() : "?");

/**
 * A square thumbnail that shows the file's type until the image has loaded (and for good when it
 * cannot load), so a list of previews never reads as blank boxes while they arrive.
 */
export function Thumbnail({ src, name, size = "h-10 w-10" }: { src?: string; name: string; size?: string }) {
  const [state, setState] = useState<"loading" | "loaded" | "broken">("loading");
  return (
    <span className={`relative grid shrink-0 place-items-center overflow-hidden rounded bg-slate-100 text-[10px] font-semibold text-slate-500 dark:bg-slate-800 dark:text-slate-400 ${size}`} aria-hidden>
      {state !== "loaded" && <span className={state === "loading" ? "animate-pulse" : ""}>{extensionLabel(name)}</span>}
      {src && state !== "broken" && (
        <img
          src={src}
          alt=""
          loading="lazy"
          decoding="async"
          onLoad={() => setState("loaded")}
          onError={() => setState("broken")}
          className={`absolute inset-0 h-full w-full object-cover transition-opacity duration-200 ${state === "loaded" ? "opacity-100" : "opacity-0"}`}
        />
      )}
    </span>
  );
}
