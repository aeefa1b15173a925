import { describe, expect, it } from "vitest";
import { z } from "zod";
import { jobId } from "./job-id";

describe("job ids", () => {
  it("are UUIDv7: valid UUIDs that sort by creation time", () => {
    const t = Date.UTC(2025, 10, 5, 9, 0, 0);
    const ids = [jobId(t), jobId(t + 1), jobId(t + 1000), jobId(t + 86_400_000)];
    for (const id of ids) {
      expect(z.uuid().safeParse(id).success, id).toBe(true);
      expect(id[14]).toBe("7");
      expect("89ab").toContain(id[19]);
    }
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]!.slice(0, 13)).toBe(`${t.toString(16).padStart(12, "0").slice(0, 8)}-${t.toString(16).padStart(12, "0").slice(8)}`);
  });

  it("differ within one millisecond", () => {
    const t = Date.now();
    expect(new Set(Array.from({ length: 1000 }, () => jobId(t))).size).toBe(1000);
  });
});
