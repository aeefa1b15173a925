/** Time comes in through a clock so queue and retention code can be tested without sleeping. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export function manualClock(start = Date.UTC(2025, 10, 5, 9, 0, 0)) {
  let current = start;
  return {
    now: () => current,
    set: (ms: number) => void (current = ms),
    advance: (ms: number) => void (current += ms),
  };
}

/** YYYY-MM-DD in the server's time zone. */
export function localDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
