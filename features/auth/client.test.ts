import { describe, expect, it } from "vitest";
import { parseConfig } from "@/features/shared/config";
import { clientAddress, hostAllowed, isLoopbackAddress } from "./client";

const request = (headers: Record<string, string>) => new Request("http://127.0.0.1/", { headers });

describe("client address", () => {
  it("is the socket's by default, whatever X-Forwarded-For claims", () => {
    const config = parseConfig({});
    expect(clientAddress(request({ "x-batchyard-peer": "::ffff:192.168.1.7", "x-forwarded-for": "127.0.0.1" }), config)).toBe("192.168.1.7");
    expect(clientAddress(request({}), config)).toBe("unknown");
  });

  it("follows X-Forwarded-For only through the proxies TRUST_PROXY names", () => {
    const xff = { "x-batchyard-peer": "10.0.0.2", "x-forwarded-for": "6.6.6.6, 203.0.113.5, 10.0.0.3" };
    expect(clientAddress(request(xff), parseConfig({ TRUST_PROXY: "1" }))).toBe("10.0.0.3");
    expect(clientAddress(request(xff), parseConfig({ TRUST_PROXY: "2" }))).toBe("203.0.113.5");
    expect(clientAddress(request(xff), parseConfig({ TRUST_PROXY: "10.0.0.2,10.0.0.3" }))).toBe("203.0.113.5");
  });

  it("knows loopback", () => {
    expect(["127.0.0.1", "127.8.9.1", "::1", "::ffff:127.0.0.1"].every(isLoopbackAddress)).toBe(true);
    expect(["192.168.0.1", "::2", "unknown"].some(isLoopbackAddress)).toBe(false);
  });
});

describe("host allow-list", () => {
  it("serves loopback names always and ALLOWED_HOSTS besides, nothing else", () => {
    const config = parseConfig({ HOST: "0.0.0.0", ALLOWED_HOSTS: "studio.lan, 192.168.1.10:3000" });
    for (const host of ["localhost:3000", "127.0.0.1", "[::1]:3000", "studio.lan", "STUDIO.LAN:8080", "192.168.1.10:3000"]) {
      expect(hostAllowed(host, config), host).toBe(true);
    }
    for (const host of ["evil.example", "studio.lan.evil.example", "192.168.1.10:3001", ""]) expect(hostAllowed(host, config), host).toBe(false);
  });

  it("refuses to start on a non-loopback address without ALLOWED_HOSTS", () => {
    expect(() => parseConfig({ HOST: "0.0.0.0" })).toThrow(/ALLOWED_HOSTS/);
    expect(() => parseConfig({ ADMIN_EMAIL: "a@b.test" })).toThrow(/ADMIN_PASSWORD/);
  });
});
