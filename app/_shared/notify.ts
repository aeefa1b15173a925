"use client";

import { useSyncExternalStore } from "react";

/**
 * The person's opt-in to browser notifications, kept in this browser (localStorage) and shared by
 * every component of the tab through one small store.
 */

const KEY = "batchyard.notify";
const CHANGED = "batchyard-notify";

const read = () => typeof window !== "undefined" && window.localStorage.getItem(KEY) === "on" && typeof Notification !== "undefined" && Notification.permission === "granted";

function subscribe(notify: () => void) {
  window.addEventListener(CHANGED, notify);
  window.addEventListener("storage", notify);
  return () => {
    window.removeEventListener(CHANGED, notify);
    window.removeEventListener("storage", notify);
  };
}

export function useNotifyOptIn(): boolean {
  return useSyncExternalStore(subscribe, read, () => false);
}

/** Turns notifications on (asking the browser's permission first) or off; returns the new state. */
export async function setNotifyOptIn(on: boolean): Promise<boolean> {
  if (on && typeof Notification !== "undefined" && Notification.permission !== "granted") {
    if ((await Notification.requestPermission()) !== "granted") return false;
  }
  window.localStorage.setItem(KEY, on ? "on" : "off");
  window.dispatchEvent(new Event(CHANGED));
  return read();
}

export const notificationsSupported = () => typeof Notification !== "undefined";
