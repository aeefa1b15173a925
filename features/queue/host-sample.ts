import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * What the throttle (throttle.ts) reads from the host: cumulative CPU counters, so a rate can be
 * taken over any window, and the memory new work could still use. Linux only in detail; elsewhere
 * the CPU counters stay zero (never throttles on CPU) and memory falls back to os.freemem().
 */
export interface HostSample {
  /** Clock ticks the whole host spent busy (everything but idle and iowait), since boot. */
  hostBusy: number;
  /** All clock ticks of the host, since boot. */
  hostTotal: number;
  /** Ticks spent by our own processes (this process tree and Batchyard's other engines here). */
  ownBusy: number;
  /** Bytes new work may still use: the lower of the host's MemAvailable and the cgroup's room. */
  availableBytes: number;
}

export type HostSampler = () => HostSample;

export interface ProcSamplerOptions {
  /** Where procfs and the cgroup file system are mounted (tests point these at fixtures). */
  procRoot?: string;
  cgroupRoot?: string;
  /** Processes whose trees count as our own load; by default this process. */
  ownPids?: () => number[];
}

/** The real sampler: procfs and cgroup files, read each time it is called. */
export function procSampler(options: ProcSamplerOptions = {}): HostSampler {
  const procRoot = options.procRoot ?? "/proc";
  const cgroupRoot = options.cgroupRoot ?? "/sys/fs/cgroup";
  const ownPids = options.ownPids ?? (() => [process.pid]);
  return () => {
    const host = readText(path.join(procRoot, "stat"));
    const cpu = host ? parseProcStat(host) : { busy: 0, total: 0 };
    const meminfo = readText(path.join(procRoot, "meminfo"));
    const hostAvailable = meminfo ? parseMemAvailable(meminfo) : os.freemem();
    const cgroupRoom = cgroupMemoryRoom(cgroupRoot, readText(path.join(procRoot, "self", "cgroup")) ?? "");
    return {
      hostBusy: cpu.busy,
      hostTotal: cpu.total,
      ownBusy: host ? treeTicks(procRoot, ownPids()) : 0,
      availableBytes: cgroupRoom === null ? hostAvailable : Math.min(hostAvailable, cgroupRoom),
    };
  };
}

/** The aggregate `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal. */
export function parseProcStat(text: string): { busy: number; total: number } {
  const line = text.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) return { busy: 0, total: 0 };
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/**
 * /proc/<pid>/stat -> parent and CPU ticks (utime + stime + cutime + cstime: children that ended
 * hand their time to the parent, so counting both keeps a tree's total steady as children come and
 * go). The command name may hold spaces and parentheses, so fields are counted after the last `)`.
 */
export function parsePidStat(text: string): { ppid: number; ticks: number } | null {
  const end = text.lastIndexOf(")");
  if (end < 0) return null;
  const fields = text.slice(end + 2).trim().split(/\s+/);
  // fields[0] is the state (field 3), so field N is fields[N - 3].
  const ppid = Number(fields[1]);
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
  return Number.isFinite(ppid) && Number.isFinite(ticks) ? { ppid, ticks } : null;
}

/** CPU ticks of the given processes and all their descendants (each counted once). */
export function treeTicks(procRoot: string, rootPids: number[]): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of safeReaddir(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    const text = readText(path.join(procRoot, entry, "stat"));
    const stat = text ? parsePidStat(text) : null;
    if (stat) stats.set(Number(entry), stat);
  }
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of stats) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const seen = new Set<number>();
  const queue = rootPids.filter((pid) => stats.has(pid));
  let ticks = 0;
  while (queue.length > 0) {
    const pid = queue.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    ticks += stats.get(pid)!.ticks;
    queue.push(...(children.get(pid) ?? []));
  }
  return ticks;
}

/** MemAvailable from /proc/meminfo, in bytes (the kernel's estimate of what can be had without swapping). */
export function parseMemAvailable(text: string): number {
  const match = /^MemAvailable:\s+(\d+)\s+kB/m.exec(text);
  return match ? Number(match[1]) * 1024 : os.freemem();
}

/** Limits at or above this are "no limit" (cgroup v1 writes a huge number instead of `max`). */
const NO_LIMIT = 2 ** 60;

/**
 * Room left under this process's memory cgroup limit, or null without one: limit - (usage -
 * inactive file cache), since the cache is reclaimed before the limit bites. cgroup v2
 * (`0::/path`, memory.max / memory.current) or v1 (`N:memory:/path`, memory.limit_in_bytes /
 * memory.usage_in_bytes); the path is tried under the mount, then the mount itself (a container
 * sees its own cgroup as the root).
 */
export function cgroupMemoryRoom(cgroupRoot: string, selfCgroup: string): number | null {
  const lines = selfCgroup.split("\n");
  const v1 = lines.find((l) => /^\d+:([^:]*,)?memory(,[^:]*)?:/.test(l));
  const v2 = lines.find((l) => l.startsWith("0::"));
  const candidates: { dir: string; limit: string; usage: string; inactive: string }[] = [];
  if (v1) {
    const rel = v1.slice(v1.indexOf(":", v1.indexOf(":") + 1) + 1);
    for (const dir of [path.join(cgroupRoot, "memory", rel), path.join(cgroupRoot, "memory")]) {
      candidates.push({ dir, limit: "memory.limit_in_bytes", usage: "memory.usage_in_bytes", inactive: "total_inactive_file" });
    }
  }
  if (v2) {
    for (const dir of [path.join(cgroupRoot, v2.slice(3)), cgroupRoot]) {
      candidates.push({ dir, limit: "memory.max", usage: "memory.current", inactive: "inactive_file" });
    }
  }
  for (const c of candidates) {
    const limitText = readText(path.join(c.dir, c.limit))?.trim();
    const usageText = readText(path.join(c.dir, c.usage))?.trim();
    if (limitText === undefined || usageText === undefined) continue;
    const limit = limitText === "max" ? Infinity : Number(limitText);
    if (!Number.isFinite(limit) || limit >= NO_LIMIT) return null;
    const stat = readText(path.join(c.dir, "memory.stat")) ?? "";
    const inactive = Number(new RegExp(`^${c.inactive} (\\d+)`, "m").exec(stat)?.[1] ?? 0);
    return Math.max(0, limit - Math.max(0, Number(usageText) - inactive));
  }
  return null;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
