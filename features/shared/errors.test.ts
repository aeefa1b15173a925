import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, ERROR_STATUS } from "./errors";
import { errorResponse, parseWith } from "./http";
import { createTestContext, type TestContext } from "@/test/fixtures";

// An internal error is logged through the process context; give it a test one, removed afterwards.
const holder = globalThis as unknown as { __batchyardContext?: TestContext };
afterAll(() => {
  holder.__batchyardContext?.cleanup();
  holder.__batchyardContext = undefined;
});

describe("errors to HTTP", () => {
  it.each(Object.entries(ERROR_STATUS).filter(([, s]) => s < 500))(
    "%s answers %i with the JSON error shape",
    async (code, status) => {
      const res = errorResponse(new AppError(code as keyof typeof ERROR_STATUS, "plain words", { details: { file: "a.png" } }));
      expect(res.status).toBe(status);
      expect(await res.json()).toEqual({ error: { code, message: "plain words", details: { file: "a.png" } } });
    },
  );

  it("passes extra headers such as Retry-After", () => {
    const res = errorResponse(new AppError("rate_limited", "slow down", { headers: { "Retry-After": "42" } }));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("42");
  });

  it("turns validation problems into a 400 naming the field", async () => {
    const schema = z.object({ limit: z.number().max(200) });
    let thrown: unknown;
    try {
      parseWith(schema, { limit: 500 }, "query");
    } catch (error) {
      thrown = error;
    }
    const res = errorResponse(thrown);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.message).toContain("limit");
    expect(body.error.details.fields[0].field).toBe("limit");
  });

  it("hides internal errors behind a generic 500", async () => {
    holder.__batchyardContext ??= createTestContext();
    const res = errorResponse(new Error("SQLITE_CORRUPT secret detail"));
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error.code).toBe("internal");
    expect(JSON.stringify(body)).not.toContain("secret");
  });
});
