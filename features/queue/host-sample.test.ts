import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cgroupMemoryRoom, parseMemAvailable, parsePidStat, parseProcStat, procSampler, treeTicks } from "./host-sample";

/** Host readings from procfs and cgroup files, on fixture trees written to a temp folder. */

let root: string | undefined;
afterEach(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
  root = undefined;
});

function fixture(files: Record<string, string>): string {
  const dir = (root = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-host-")));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** A /proc/<pid>/stat line: utime, stime, cutime, cstime are fields 14-17. */
const pidStat = (pid: number, comm: string, ppid: number, [utime, stime, cutime, cstime]: number[]) =>
  `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 100 0 0 0 ${utime} ${stime} ${cutime} ${cstime} 20 0 4 0 100 0 0\n`;

describe("CPU counters", () => {
  it("counts busy ticks as everything but idle and iowait", () => {
    const text = "cpu  100 5 50 800 40 3 2 1 0 0\ncpu0 50 2 25 400 20 1 1 0 0 0\n";
    expect(parseProcStat(text)).toEqual({ busy: 100 + 5 + 50 + 3 + 2 + 1, total: 100 + 5 + 50 + 800 + 40 + 3 + 2 + 1 });
  });

  it("reads a process's own and reaped children's ticks, even with spaces and parentheses in its name", () => {
    expect(parsePidStat(pidStat(42, "node (server) x", 1, [300, 20, 7, 3]))).toEqual({ ppid: 1, ticks: 330 });
    expect(parsePidStat("garbage")).toBeNull();
  });

  it("sums a process tree (children and grandchildren) and nothing outside it", () => {
    const proc = fixture({
      "1/stat": pidStat(1, "init", 0, [1000, 1000, 0, 0]),
      "10/stat": pidStat(10, "node", 1, [100, 10, 0, 0]), // ours
      "11/stat": pidStat(11, "sh", 10, [5, 5, 0, 0]), // our child
      "12/stat": pidStat(12, "convert", 11, [40, 0, 0, 0]), // its child
      "20/stat": pidStat(20, "postgres", 1, [900, 100, 0, 0]), // someone else
      "21/stat": pidStat(21, "worker", 1, [70, 0, 0, 0]), // another engine of ours
      "self/stat": "ignored",
    });
    expect(treeTicks(proc, [10])).toBe(110 + 10 + 40);
    expect(treeTicks(proc, [10, 21])).toBe(160 + 70);
    expect(treeTicks(proc, [10, 11])).toBe(160); // a pid inside the tree is not counted twice
    expect(treeTicks(proc, [99])).toBe(0); // gone
  });

  it("samples the host and our tree together, so the throttle can subtract our share", () => {
    const proc = fixture({
      stat: "cpu  600 0 200 1000 0 0 0 0\n",
      meminfo: "MemTotal: 8000000 kB\nMemAvailable: 2000000 kB\n",
      "self/cgroup": "0::/\n",
      "10/stat": pidStat(10, "node", 1, [300, 100, 0, 0]),
    });
    const sample = procSampler({ procRoot: proc, cgroupRoot: path.join(proc, "no-cgroup"), ownPids: () => [10] })();
    expect(sample).toEqual({ hostBusy: 800, hostTotal: 1800, ownBusy: 400, availableBytes: 2_000_000 * 1024 });
  });
});

describe("memory", () => {
  it("reads MemAvailable in bytes", () => {
    expect(parseMemAvailable("MemTotal: 100 kB\nMemFree: 10 kB\nMemAvailable: 64 kB\n")).toBe(64 * 1024);
  });

  it("cgroup v2: the room under memory.max, not counting reclaimable file cache", () => {
    const cg = fixture({
      "system.slice/batchyard.service/memory.max": "1073741824\n",
      "system.slice/batchyard.service/memory.current": "900000000\n",
      "system.slice/batchyard.service/memory.stat": "anon 500000000\nfile 400000000\ninactive_file 300000000\n",
    });
    expect(cgroupMemoryRoom(cg, "0::/system.slice/batchyard.service\n")).toBe(1073741824 - (900000000 - 300000000));
  });

  it("cgroup v2 without a limit, and a container that sees its cgroup as the root", () => {
    const unlimited = fixture({ "memory.max": "max\n", "memory.current": "5\n" });
    expect(cgroupMemoryRoom(unlimited, "0::/docker/abc\n")).toBeNull();
    fs.rmSync(unlimited, { recursive: true });
    const container = fixture({ "memory.max": "536870912\n", "memory.current": "136870912\n" });
    expect(cgroupMemoryRoom(container, "0::/docker/abc\n")).toBe(400_000_000);
  });

  it("cgroup v1: memory.limit_in_bytes, where no limit is a huge number", () => {
    const cg = fixture({
      "memory/job/memory.limit_in_bytes": "2147483648\n",
      "memory/job/memory.usage_in_bytes": "1147483648\n",
      "memory/job/memory.stat": "cache 100\ntotal_inactive_file 147483648\n",
      "memory/memory.limit_in_bytes": "9223372036854771712\n",
      "memory/memory.usage_in_bytes": "1\n",
    });
    const self = "4:memory:/job\n1:cpu,cpuacct:/\n0::/\n";
    expect(cgroupMemoryRoom(cg, self)).toBe(2147483648 - 1000000000);
    expect(cgroupMemoryRoom(cg, "4:memory:/elsewhere\n")).toBeNull(); // falls back to the mount's own: unlimited
  });

  it("takes the lower of the host's available memory and the cgroup's room", () => {
    const dir = fixture({
      "proc/stat": "cpu  1 0 0 1 0 0 0 0\n",
      "proc/meminfo": "MemAvailable: 4000000 kB\n",
      "proc/self/cgroup": "0::/app\n",
      "cg/app/memory.max": "1048576000\n",
      "cg/app/memory.current": "0\n",
    });
    const sample = procSampler({ procRoot: path.join(dir, "proc"), cgroupRoot: path.join(dir, "cg"), ownPids: () => [] })();
    expect(sample.availableBytes).toBe(1048576000);
  });
});
