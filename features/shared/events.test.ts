import { describe, expect, it } from "vitest";
import { routeLabel } from "./events";

describe("routeLabel", () => {
  it("names the route template, whatever the client put in its params", () => {
    expect(routeLabel("/api/batches/0b6f2c1e-1111-4222-8333-944445555666/pause", { id: "0b6f2c1e-1111-4222-8333-944445555666" })).toBe("/api/batches/:id/pause");
    expect(routeLabel("/api/batches/not-a-uuid", { id: "not-a-uuid" })).toBe("/api/batches/:id");
    expect(routeLabel("/api/files/%2e%2e%2fx/thumbnail", { id: "../x" })).toBe("/api/files/:id/thumbnail");
    expect(routeLabel("/api/batches", {})).toBe("/api/batches");
  });

  it("answers `other` for anything that is not a template, so labels stay bounded", () => {
    for (let i = 0; i < 300; i++) expect(routeLabel(`/api/batches/Bogus_${i}`, undefined)).toBe("other");
    expect(routeLabel("/api/batches/%zz", {})).toBe("other");
  });
});
