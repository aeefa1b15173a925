import { describe, expect, it } from "vitest";
import { AppError } from "@/features/shared/errors";
import { enterUpload } from "./in-flight";
import { assertRoomFor, StagingBudget, stagingBytesInUse } from "./staging-budget";

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? [error.code, error.status, error.headers?.["Retry-After"] ?? null] : error;
  }
  return "ok";
};

describe("uploads in flight per user", () => {
  it("answers 429 with Retry-After past the cap, per user, and frees a slot when an upload ends", () => {
    const leaves = [enterUpload("u1", 2), enterUpload("u1", 2)];
    expect(codeOf(() => enterUpload("u1", 2))).toEqual(["rate_limited", 429, "5"]);
    const other = enterUpload("u2", 2);
    leaves[0]!();
    leaves[0]!(); // leaving twice frees one slot, not two
    const again = enterUpload("u1", 2);
    expect(codeOf(() => enterUpload("u1", 2))).toEqual(["rate_limited", 429, "5"]);
    for (const leave of [again, leaves[1]!, other]) leave();
  });
});

describe("staging budget", () => {
  it("claims declared sizes and written bytes across uploads, answers 503 past the budget, and gives all back", () => {
    const before = stagingBytesInUse();
    const a = new StagingBudget(1000);
    const b = new StagingBudget(1000);
    a.reserve(600);
    a.count(500); // within what was declared
    expect(stagingBytesInUse() - before).toBe(600);
    expect(codeOf(() => b.reserve(500))).toEqual(["unavailable", 503, "5"]);
    b.count(300);
    expect(codeOf(() => a.count(300))).toEqual(["unavailable", 503, "5"]); // 800 written: 200 past what was declared, 100 past the budget
    a.release();
    b.release();
    expect(stagingBytesInUse()).toBe(before);
  });

  it("refuses a declared size the disk cannot hold before anything is written", () => {
    expect(codeOf(() => assertRoomFor("/", Number.MAX_SAFE_INTEGER))).toEqual(["insufficient_storage", 507, null]);
    expect(codeOf(() => assertRoomFor("/", 0))).toBe("ok");
  });
});
