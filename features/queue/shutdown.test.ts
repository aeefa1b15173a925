import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "@/features/shared/logger";
import { REPEAT_MS, stopOnSignals } from "./shutdown";

/** The signal handlers, fed signals with process.emit and a set clock; process.exit is stubbed. */

afterEach(() => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.removeAllListeners(signal);
  vi.restoreAllMocks();
});

describe("stopping on a signal", () => {
  it("treats the echo npm forwards after a Ctrl-C as the same request, and a later signal as 'exit now'", () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    let time = 1_000_000;
    const stop = vi.fn(() => new Promise<void>(() => undefined)); // still stopping
    stopOnSignals(stop, createLogger("silent"), () => time);

    process.emit("SIGINT", "SIGINT"); // the terminal signals the whole group
    time += 15;
    process.emit("SIGINT", "SIGINT"); // npm forwards the same Ctrl-C
    expect(stop).toHaveBeenCalledTimes(1);
    expect(exit).not.toHaveBeenCalled();

    time += REPEAT_MS;
    process.emit("SIGTERM", "SIGTERM"); // an operator who will not wait
    expect(exit).toHaveBeenCalledWith(130);
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it("exits 0 once the queue has stopped when nothing else handles the signal", async () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    let stopped!: () => void;
    stopOnSignals(() => new Promise<void>((resolve) => (stopped = resolve)), createLogger("silent"));
    process.emit("SIGTERM", "SIGTERM");
    expect(exit).not.toHaveBeenCalled();
    stopped();
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
  });
});
