/** Server-sent events wire format (https://html.spec.whatwg.org/multipage/server-sent-events.html). */

export const eventFrame = (id: string, type: string, data: unknown) => `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;

/** A comment line: ignored by EventSource, but it keeps proxies and idle timers from closing the connection. */
export const commentFrame = (text: string) => `: ${text}\n\n`;

/** How long the browser waits before reconnecting. */
export const retryFrame = (ms: number) => `retry: ${ms}\n\n`;

/** `<boot>-<seq>` -> its parts; null for anything else. */
export function parseEventId(value: string | null | undefined): { boot: string; seq: number } | null {
  const match = /^([0-9a-f]{8})-(\d{1,15})$/.exec(value?.trim() ?? "");
  return match ? { boot: match[1]!, seq: Number(match[2]) } : null;
}
