import type { Config } from "@/features/shared/config";
import type { HostSample, HostSampler } from "./host-sample";

/**
 * Resource-aware claiming. The engine samples the host every THROTTLE_SAMPLE_S and stops claiming
 * (running jobs finish) while either resource is short, with hysteresis so it does not flap:
 * - CPU: the share of the host's CPU that OTHER processes used over THROTTLE_WINDOW_S. Our own
 *   process tree is subtracted, so a queue busy with its own jobs never throttles itself; only a
 *   full window engages it, so one spike does not.
 * - memory: the memory still available (cgroup limit aware) against THROTTLE_MIN_FREE_MB; and
 *   while it is not short, each job is admitted only if its estimated need fits what is left, so
 *   a 100-megapixel TIFF waits while smaller files run.
 * Pure state and arithmetic; the timer, the log line and the workers row are in throttle-watch.ts.
 */

export interface ThrottleSettings {
  /** Engage at this share of the host's CPU used by other processes (percent). */
  cpuPct: number;
  /** Release CPU at cpuPct - hysteresisPct; release memory at minFreeMb * (1 + hysteresisPct/100). */
  hysteresisPct: number;
  windowMs: number;
  sampleMs: number;
  minFreeMb: number;
}

export type ThrottleReason = "cpu" | "memory";

/** What /api/health and stats report as `queue.throttled` (null when claiming freely). */
export interface ThrottleState {
  reason: ThrottleReason;
  /** ISO time the wait began (a change of reason keeps it). */
  since: string;
  /** Other processes' share of the host's CPU over the window, 0-100; null until a window is full. */
  cpu_pct: number | null;
  /** Memory available to new work, MiB. */
  free_mb: number;
}

/** The claim rule while not throttled: may a job of this many pixels start now? (Reserves its memory.) */
export type Admit = (pixels: number | null, alone: boolean) => boolean;

export interface Throttle {
  readonly sampleMs: number;
  /** Takes a host sample at `now`; `changed` when the state (or its reason) changed. */
  sample(now: number): { changed: boolean; state: ThrottleState | null };
  state(): ThrottleState | null;
  /** null while throttled (claim nothing); otherwise the memory rule for this cycle's claims. */
  gate(): { admit: Admit } | null;
}

const MIB = 1024 * 1024;

export function throttleSettings(config: Config): ThrottleSettings | null {
  if (!config.THROTTLE) return null;
  return {
    cpuPct: config.THROTTLE_CPU_PCT,
    hysteresisPct: config.THROTTLE_HYSTERESIS_PCT,
    windowMs: config.THROTTLE_WINDOW_S * 1000,
    sampleMs: config.THROTTLE_SAMPLE_S * 1000,
    minFreeMb: config.THROTTLE_MIN_FREE_MB,
  };
}

/**
 * Memory one job may need, from its pixel count: a decoded RGBA frame plus the resized copy and
 * encoder buffers (~6 bytes a pixel, measured on the 100 MP end where it matters), plus a fixed
 * share for libvips and the encoder. Unknown dimensions count as a typical 24 MP photo.
 */
export const JOB_BASE_MB = 48;
export const BYTES_PER_PIXEL = 6;
export const UNKNOWN_PIXELS = 24_000_000;

export function estimateJobMb(pixels: number | null): number {
  return JOB_BASE_MB + Math.ceil(((pixels ?? UNKNOWN_PIXELS) * BYTES_PER_PIXEL) / MIB);
}

/** Other processes' share of the host's CPU between two samples, 0-100; null if no time passed. */
export function otherCpuPct(older: HostSample, newer: HostSample): number | null {
  const total = newer.hostTotal - older.hostTotal;
  if (total <= 0) return null;
  const others = newer.hostBusy - older.hostBusy - (newer.ownBusy - older.ownBusy);
  return Math.min(100, Math.max(0, (others / total) * 100));
}

interface Pressure {
  cpu: boolean;
  memory: boolean;
}

/**
 * Each resource engages at its threshold and releases only past the hysteresis band. A CPU
 * reading of null (window not yet full) keeps the CPU decision as it was.
 */
export function nextPressure(previous: Pressure, reading: { cpuPct: number | null; freeMb: number }, s: ThrottleSettings): Pressure {
  const cpuLimit = previous.cpu ? s.cpuPct - s.hysteresisPct : s.cpuPct;
  const memoryFloor = previous.memory ? s.minFreeMb * (1 + s.hysteresisPct / 100) : s.minFreeMb;
  return {
    cpu: reading.cpuPct === null ? previous.cpu : reading.cpuPct >= cpuLimit,
    memory: reading.freeMb < memoryFloor,
  };
}

export function createThrottle(settings: ThrottleSettings, sampler: HostSampler): Throttle {
  const window: { at: number; sample: HostSample }[] = [];
  let pressure: Pressure = { cpu: false, memory: false };
  let current: ThrottleState | null = null;
  let freeMb = Infinity;
  let reservedMb = 0;

  function read(now: number): { cpuPct: number | null; freeMb: number } {
    const sample = sampler();
    window.push({ at: now, sample });
    // Keep one sample at or before the window's start, so the span covers the whole window.
    while (window.length > 2 && window[1]!.at <= now - settings.windowMs) window.shift();
    const oldest = window[0]!;
    const full = now - oldest.at >= settings.windowMs;
    const cpuPct = window.length > 1 ? otherCpuPct(oldest.sample, sample) : null;
    return { cpuPct: full ? cpuPct : null, freeMb: Math.floor(sample.availableBytes / MIB) };
  }

  function sample(now: number) {
    const reading = read(now);
    freeMb = reading.freeMb;
    reservedMb = 0; // the new reading already includes what earlier claims took
    pressure = nextPressure(pressure, reading, settings);
    const reason: ThrottleReason | null = pressure.memory ? "memory" : pressure.cpu ? "cpu" : null;
    const previous = current;
    current = reason === null ? null : { reason, since: previous?.since ?? new Date(now).toISOString(), cpu_pct: round(reading.cpuPct), free_mb: reading.freeMb };
    return { changed: previous?.reason !== current?.reason, state: current };
  }

  const admit: Admit = (pixels, alone) => {
    const needMb = estimateJobMb(pixels);
    // A job nothing else runs beside gets its chance even if the estimate says no: otherwise it
    // would wait for memory that never comes. MIN_FREE_MB (the throttle itself) still guards it.
    if (!alone && needMb > freeMb - settings.minFreeMb - reservedMb) return false;
    reservedMb += needMb;
    return true;
  };

  return {
    sampleMs: settings.sampleMs,
    sample,
    state: () => current,
    gate: () => (current ? null : { admit }),
  };
}

const round = (n: number | null) => (n === null ? null : Math.round(n));
