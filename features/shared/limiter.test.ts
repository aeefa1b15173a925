import { describe, expect, it } from "vitest";
import { Slots, WindowLimiter } from "./limiter";

describe("Slots", () => {
  it("hands out `size` slots, queues up to `maxWaiting` in order, refuses past that, and passes freed slots on", async () => {
    const slots = new Slots(1, 2);
    const first = (await slots.take())!;
    const order: string[] = [];
    const second = slots.take().then((release) => (order.push("second"), release));
    const third = slots.take().then((release) => (order.push("third"), release));
    expect(await slots.take()).toBeUndefined();
    expect(slots.tryTake()).toBeUndefined();
    first();
    first(); // releasing twice frees once
    (await second)!();
    (await third)!();
    expect(order).toEqual(["second", "third"]);
    expect(slots.inUse).toBe(0);
  });
});

describe("WindowLimiter", () => {
  it("allows max hits per window per key and says how long to wait", () => {
    const limiter = new WindowLimiter({ max: 2, windowMs: 10_000 });
    expect([limiter.hit("a", 0), limiter.hit("a", 1000), limiter.hit("a", 2000), limiter.hit("b", 2000)]).toEqual([0, 0, 8, 0]);
    expect(limiter.hit("a", 10_001)).toBe(0);
    expect(new WindowLimiter(null).hit("a", 0)).toBe(0);
  });
});
