import { describe, expect, it } from "vitest";
import type { HostSample } from "./host-sample";
import { createThrottle, estimateJobMb, nextPressure, otherCpuPct, type ThrottleSettings } from "./throttle";

/** The throttle's arithmetic and state, driven by a scripted sampler and explicit times. */

const SETTINGS: ThrottleSettings = { cpuPct: 80, hysteresisPct: 10, windowMs: 30_000, sampleMs: 5_000, minFreeMb: 256 };
const MIB = 1024 * 1024;

/**
 * A host whose counters advance by 1000 ticks per sample: `others` and `ours` are the shares (0-100)
 * other processes and our own tree used since the previous sample.
 */
function scriptedHost() {
  const totals: HostSample = { hostBusy: 0, hostTotal: 0, ownBusy: 0, availableBytes: 8192 * MIB };
  const host = { others: 0, ours: 0, freeMb: 8192 };
  const sampler = () => {
    totals.hostTotal += 1000;
    totals.hostBusy += (host.others + host.ours) * 10;
    totals.ownBusy += host.ours * 10;
    return { ...totals, availableBytes: host.freeMb * MIB };
  };
  return { host, sampler };
}

/** Samples every 5 s from t=0 for `seconds`, returning the last result. */
function run(throttle: ReturnType<typeof createThrottle>, from: number, seconds: number) {
  let last = throttle.sample(from);
  for (let t = from + 5_000; t <= from + seconds * 1000; t += 5_000) last = throttle.sample(t);
  return last;
}

describe("CPU of other processes", () => {
  it("subtracts our own tree's ticks from the host's busy time", () => {
    const older = { hostBusy: 1000, hostTotal: 4000, ownBusy: 500, availableBytes: 0 };
    // 2000 ticks passed; the host was busy 1800 of them, 1500 of those ours.
    const newer = { hostBusy: 2800, hostTotal: 6000, ownBusy: 2000, availableBytes: 0 };
    expect(otherCpuPct(older, newer)).toBe(15);
    expect(otherCpuPct(newer, newer)).toBeNull();
  });

  it("never throttles on the load the queue makes itself, however high", () => {
    const { host, sampler } = scriptedHost();
    host.ours = 100;
    const throttle = createThrottle(SETTINGS, sampler);
    expect(run(throttle, 0, 120).state).toBeNull();
  });

  it("engages only once a full window of other processes' load passes the threshold", () => {
    const { host, sampler } = scriptedHost();
    host.others = 95;
    const throttle = createThrottle(SETTINGS, sampler);
    expect(run(throttle, 0, 25).state).toBeNull(); // 25 s of a 30 s window: a spike, not pressure
    const engaged = throttle.sample(30_000);
    expect(engaged.changed).toBe(true);
    expect(engaged.state).toEqual({ reason: "cpu", since: new Date(30_000).toISOString(), cpu_pct: 95, free_mb: 8192 });
    expect(throttle.gate()).toBeNull();
  });

  it("averages over the window: a short burst above the threshold does not engage", () => {
    const { host, sampler } = scriptedHost();
    host.others = 50;
    const throttle = createThrottle(SETTINGS, sampler);
    run(throttle, 0, 60);
    host.others = 100;
    expect(run(throttle, 65_000, 10).state).toBeNull(); // (4 x 50 + 2 x 100) / 6 = 67 %
  });

  it("releases only below the threshold minus the hysteresis, and keeps `since` while waiting", () => {
    const { host, sampler } = scriptedHost();
    host.others = 90;
    const throttle = createThrottle(SETTINGS, sampler);
    const since = run(throttle, 0, 30).state!.since;
    host.others = 75; // under 80 but over 70: still waiting
    const still = run(throttle, 35_000, 30);
    expect(still.state).toMatchObject({ reason: "cpu", since, cpu_pct: 75 });
    host.others = 55;
    // Samples since t=45 s (each advances the counters by one step): (4 x 75 + 55) / 5, not below 80 - 10.
    expect(throttle.sample(75_000).state).toMatchObject({ since, cpu_pct: 71 });
    expect(throttle.sample(80_000)).toEqual({ changed: true, state: null }); // (3 x 75 + 2 x 55) / 5 = 67
    expect(throttle.gate()).not.toBeNull();
  });
});

describe("memory", () => {
  it("engages at once under THROTTLE_MIN_FREE_MB and releases above it plus the hysteresis", () => {
    const { host, sampler } = scriptedHost();
    const throttle = createThrottle(SETTINGS, sampler);
    host.freeMb = 200;
    expect(throttle.sample(0)).toEqual({ changed: true, state: { reason: "memory", since: new Date(0).toISOString(), cpu_pct: null, free_mb: 200 } });
    host.freeMb = 270; // above 256, below 256 * 1.1
    expect(throttle.sample(5_000).state?.reason).toBe("memory");
    host.freeMb = 300;
    expect(throttle.sample(10_000)).toEqual({ changed: true, state: null });
  });

  it("reports memory over CPU when both are short, without restarting the wait", () => {
    const { host, sampler } = scriptedHost();
    host.others = 99;
    const throttle = createThrottle(SETTINGS, sampler);
    const cpu = run(throttle, 0, 30).state!;
    host.freeMb = 100;
    const both = throttle.sample(35_000);
    expect(both).toMatchObject({ changed: true, state: { reason: "memory", since: cpu.since } });
  });

  it("estimates a job's memory from its pixels", () => {
    expect(estimateJobMb(0)).toBe(48);
    expect(estimateJobMb(24_000_000)).toBe(48 + 138); // 24 MP photo
    expect(estimateJobMb(100_000_000)).toBe(48 + 573); // 100 MP TIFF
    expect(estimateJobMb(null)).toBe(estimateJobMb(24_000_000));
  });

  it("admits jobs while their estimates fit above the floor, large ones waiting while small ones run", () => {
    const { host, sampler } = scriptedHost();
    host.freeMb = 1000; // 744 MB usable above the 256 MB floor
    const throttle = createThrottle(SETTINGS, sampler);
    throttle.sample(0);
    const { admit } = throttle.gate()!;
    expect(admit(100_000_000, false)).toBe(true); // 621
    expect(admit(100_000_000, false)).toBe(false); // 621 more does not fit in the 123 left
    expect(admit(10_000_000, false)).toBe(true); // 106 does
    expect(admit(10_000_000, false)).toBe(false);
    throttle.sample(5_000); // a new reading already counts what those runs took
    expect(throttle.gate()!.admit(100_000_000, false)).toBe(true);
  });

  it("admits a job that does not fit when nothing runs, rather than letting it wait forever", () => {
    const { host, sampler } = scriptedHost();
    host.freeMb = 400;
    const throttle = createThrottle(SETTINGS, sampler);
    throttle.sample(0);
    expect(throttle.gate()!.admit(100_000_000, false)).toBe(false);
    expect(throttle.gate()!.admit(100_000_000, true)).toBe(true);
  });
});

describe("hysteresis rule", () => {
  it("keeps the CPU decision while the window is not full", () => {
    expect(nextPressure({ cpu: true, memory: false }, { cpuPct: null, freeMb: 9999 }, SETTINGS)).toEqual({ cpu: true, memory: false });
    expect(nextPressure({ cpu: false, memory: false }, { cpuPct: null, freeMb: 9999 }, SETTINGS)).toEqual({ cpu: false, memory: false });
  });

  it("uses the engage threshold when free and the release threshold when waiting", () => {
    expect(nextPressure({ cpu: false, memory: false }, { cpuPct: 79, freeMb: 257 }, SETTINGS)).toEqual({ cpu: false, memory: false });
    expect(nextPressure({ cpu: true, memory: true }, { cpuPct: 79, freeMb: 257 }, SETTINGS)).toEqual({ cpu: true, memory: true });
    expect(nextPressure({ cpu: true, memory: true }, { cpuPct: 69, freeMb: 282 }, SETTINGS)).toEqual({ cpu: false, memory: false });
  });
});
