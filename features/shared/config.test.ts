import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config";

describe("configuration", () => {
  it("works on a laptop with nothing set", () => {
    const config = parseConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.QUEUE_CONCURRENCY).toBe(3);
    expect(config.MAX_FILES_PER_BATCH).toBe(50);
    expect(config.MAX_FILE_SIZE_MB).toBe(50);
    expect(config.MAX_RETRIES).toBe(3);
    expect(config.JOB_TIMEOUT_S).toBe(1800);
    expect(config.RETENTION_DAYS).toBe(7);
    expect(config.DEFAULT_CUSTOMER_PREFIX).toBe("BATCH");
    expect(config.UPLOAD_RATE_LIMIT).toEqual({ max: 3, windowMs: 3_600_000 });
    expect(config.dataDir).toMatch(/data$/);
  });

  it("reads numbers and rate limits from strings", () => {
    const config = parseConfig({ QUEUE_CONCURRENCY: "5", UPLOAD_RATE_LIMIT: "100/minute", LEASE_S: "0.5" });
    expect(config.QUEUE_CONCURRENCY).toBe(5);
    expect(config.UPLOAD_RATE_LIMIT).toEqual({ max: 100, windowMs: 60_000 });
    expect(config.LEASE_S).toBe(0.5);
    expect(parseConfig({ UPLOAD_RATE_LIMIT: "off" }).UPLOAD_RATE_LIMIT).toBeNull();
  });

  it.each([
    ["QUEUE_CONCURRENCY", "three"],
    ["QUEUE_CONCURRENCY", "0"],
    ["PORT", "70000"],
    ["UPLOAD_RATE_LIMIT", "3 per hour"],
    ["LOG_LEVEL", "loud"],
    ["DEFAULT_CUSTOMER_PREFIX", "lower_case"],
    ["MAX_FILE_SIZE_MB", "-1"],
    ["THROTTLE", "maybe"],
    ["THROTTLE_CPU_PCT", "120"],
    ["THROTTLE_MIN_FREE_MB", "-5"],
    ["THROTTLE_SAMPLE_S", "0"],
  ])("rejects %s=%s with a message naming the variable", (name, value) => {
    expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrow(new RegExp(`${name}="${value}"`));
  });

  it("throttles by default, and `off` turns it off; thresholds must make sense together", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ THROTTLE: true, THROTTLE_CPU_PCT: 80, THROTTLE_HYSTERESIS_PCT: 10, THROTTLE_WINDOW_S: 30, THROTTLE_SAMPLE_S: 5, THROTTLE_MIN_FREE_MB: 256 });
    expect(parseConfig({ THROTTLE: "off" }).THROTTLE).toBe(false);
    expect(() => parseConfig({ THROTTLE_SAMPLE_S: "60", THROTTLE_WINDOW_S: "30" })).toThrow(/THROTTLE_SAMPLE_S="60": must not be longer than THROTTLE_WINDOW_S/);
    expect(() => parseConfig({ THROTTLE_CPU_PCT: "20", THROTTLE_HYSTERESIS_PCT: "20" })).toThrow(/THROTTLE_HYSTERESIS_PCT="20": must be below THROTTLE_CPU_PCT/);
  });
});
