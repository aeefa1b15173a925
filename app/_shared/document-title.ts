"use client";

import { useEffect } from "react";

/**
 * Keeps the tab title at `title` while the page is mounted (undefined: leaves it alone). Next.js
 * writes the layout's metadata title when that arrives, which can be after the page's own effect
 * has run (metadata is streamed), so any later change of the title by someone else is undone for
 * as long as the page wants its own.
 */
export function useDocumentTitle(title: string | undefined): void {
  useEffect(() => {
    if (title === undefined) return;
    document.title = title;
    const observer = new MutationObserver(() => {
      if (document.title !== title) document.title = title;
    });
    observer.observe(document.head, { childList: true, subtree: true, characterData: true });
    return () => observer.disconnect();
  }, [title]);
}
