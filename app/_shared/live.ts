"use client";

import { useEffect, useRef, useSyncExternalStore } from "react";
import type { BatchSummary } from "@/features/batches/detail";

/**
 * Live updates for every page of a tab through ONE EventSource on /api/events (docs/api.md, Live
 * updates). Pages subscribe with useLive(); while it is connected they poll rarely, and when it
 * cannot connect (a proxy that buffers, the server's connection cap) they poll as before. The
 * browser reconnects by itself with Last-Event-ID; if the server refused outright, we try again
 * after RETRY_MS.
 */

export type LiveEvent =
  | { type: "batch"; data: BatchSummary }
  | { type: "batches"; data: { changed: string } }
  | { type: "batch.deleted"; data: { id: string } }
  | { type: "job"; data: { id: string; batch_id: string; outcome: string; error: string | null } }
  | { type: "queue"; data: { depth: number; running: number } }
  | { type: "reset"; data: { reason: string } };

const TYPES: LiveEvent["type"][] = ["batch", "batches", "batch.deleted", "job", "queue", "reset"];
const RETRY_MS = 30_000;

type Listener = (event: LiveEvent) => void;
const listeners = new Set<Listener>();
const statusListeners = new Set<() => void>();
let source: EventSource | null = null;
let connected = false;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

function setConnected(value: boolean) {
  if (connected === value) return;
  connected = value;
  for (const notify of statusListeners) notify();
}

function open() {
  if (source || typeof EventSource === "undefined") return;
  const es = new EventSource("/api/events");
  source = es;
  es.onopen = () => setConnected(true);
  es.onerror = () => {
    setConnected(false);
    // CLOSED: the server answered with an error status; EventSource gives up, so we retry later.
    if (es.readyState === EventSource.CLOSED) {
      source = null;
      retryTimer = setTimeout(open, RETRY_MS);
    }
  };
  for (const type of TYPES) {
    es.addEventListener(type, (message) => {
      const event = { type, data: JSON.parse((message as MessageEvent<string>).data) } as LiveEvent;
      for (const listener of listeners) listener(event);
    });
  }
}

function close() {
  clearTimeout(retryTimer);
  source?.close();
  source = null;
  setConnected(false);
}

function subscribeStatus(notify: () => void) {
  statusListeners.add(notify);
  return () => void statusListeners.delete(notify);
}

/** Calls `onEvent` for every live event while mounted; returns whether the stream is connected. */
export function useLive(onEvent: Listener): boolean {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    const listener: Listener = (event) => handler.current(event);
    listeners.add(listener);
    open();
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) close();
    };
  }, []);
  return useSyncExternalStore(subscribeStatus, () => connected, () => false);
}

/**
 * A function that runs `fn` at most once per `ms`, the last call winning (trailing edge), so a
 * burst of events becomes one refetch.
 */
export function useThrottled(fn: () => void, ms: number): () => void {
  const latest = useRef(fn);
  latest.current = fn;
  const state = useRef<{ timer?: ReturnType<typeof setTimeout>; last: number }>({ last: 0 });
  useEffect(() => () => clearTimeout(state.current.timer), []);
  return useRef(() => {
    const s = state.current;
    if (s.timer) return;
    const wait = Math.max(0, s.last + ms - Date.now());
    s.timer = setTimeout(() => {
      s.timer = undefined;
      s.last = Date.now();
      latest.current();
    }, wait);
  }).current;
}
