/**
 * The formatters every page uses, so a size, a duration or a moment reads the same everywhere.
 * Dates use the browser's locale; "–" stands for a value that is not there (yet).
 */

const MISSING = "–";

/** A count with the locale's digit grouping, e.g. "12,345". */
export const formatCount = (n: number) => n.toLocaleString();

/** A ratio (0–1) as a percentage with one decimal, e.g. 0.031 -> "3.1%". */
export const formatPercent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

/** 1536 -> "1.5 KB"; one decimal below 100 of a unit, whole numbers from there. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null) return MISSING;
  const units = ["B", "KB", "MB", "GB", "TB"];
  let n = bytes;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n >= 100 || i === 0 ? Math.round(n) : n.toFixed(1)} ${units[i]}`;
}

/** 42 -> "42 s", 600 -> "10 min", 5400 -> "1 h 30 min": a number and a unit, always spaced. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null) return MISSING;
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

// One date shape everywhere ("Nov 5, 2025"), with the time or the weekday added where they help.
const DATE: Intl.DateTimeFormatOptions = { year: "numeric", month: "short", day: "numeric" };
const CLOCK: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit" };
const CLOCK_SECONDS: Intl.DateTimeFormatOptions = { ...CLOCK, second: "2-digit" };
const DATE_TIME: Intl.DateTimeFormatOptions = { ...DATE, ...CLOCK };
const DAY: Intl.DateTimeFormatOptions = { weekday: "short", ...DATE };

/** A calendar day (YYYY-MM-DD, as in batch_date) at noon local time, so no time zone moves it. */
const calendarDay = (day: string) => new Date(`${day.slice(0, 10)}T12:00:00`);

/** A moment as day and time, e.g. "Nov 5, 2025, 02:30 PM": when a batch was created, a run finished. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return MISSING;
  return new Date(iso).toLocaleString(undefined, DATE_TIME);
}

/** A calendar day (YYYY-MM-DD) as e.g. "Nov 5, 2025". */
export function formatDate(day: string | null | undefined): string {
  if (!day) return MISSING;
  return calendarDay(day).toLocaleDateString(undefined, DATE);
}

/** A moment later today or just past, as a clock time; seconds where they matter (heartbeats, retries). */
export function formatClock(iso: string | null | undefined, options: { seconds?: boolean } = {}): string {
  if (!iso) return MISSING;
  return new Date(iso).toLocaleTimeString(undefined, options.seconds ? CLOCK_SECONDS : CLOCK);
}

/** A calendar day (YYYY-MM-DD, server time) as "Today", "Yesterday" or e.g. "Wed, Nov 5, 2025". */
export function formatDay(day: string): string {
  const d = calendarDay(day);
  const today = new Date();
  const yesterday = new Date(Date.now() - 86_400_000);
  const same = (a: Date, b: Date) => a.toDateString() === b.toDateString();
  if (same(d, today)) return "Today";
  if (same(d, yesterday)) return "Yesterday";
  return d.toLocaleDateString(undefined, DAY);
}
