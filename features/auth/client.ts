import { isIP } from "node:net";
import type { Config } from "@/features/shared/config";
import { LOOPBACK_HOSTS } from "@/features/shared/config";

/**
 * Where a request came from. The HTTP server (features/web-server.ts) writes the socket's address
 * into PEER_HEADER on every request, replacing anything a client sent under that name; nothing else
 * is trusted by default. X-Forwarded-For counts only with TRUST_PROXY: a hop count (the last N
 * addresses are proxies) or the proxies' own addresses (skipped from the right).
 */
export const PEER_HEADER = "x-batchyard-peer";
/** Set by the HTTP server to "https" when the socket is TLS. */
export const PROTO_HEADER = "x-batchyard-proto";

const normalise = (address: string) => address.trim().replace(/^::ffff:/i, "").replace(/^\[(.*)\]$/, "$1");

export function peerAddress(request: Request): string | null {
  const peer = request.headers.get(PEER_HEADER);
  return peer ? normalise(peer) : null;
}

/** The client's address for rate limits and logs: the socket's, or what trusted proxies say. */
export function clientAddress(request: Request, config: Pick<Config, "TRUST_PROXY">): string {
  const peer = peerAddress(request) ?? "unknown";
  const trust = config.TRUST_PROXY;
  if (!trust) return peer;
  const forwarded = (request.headers.get("x-forwarded-for") ?? "").split(",").map(normalise).filter((a) => isIP(a) > 0);
  const chain = [...forwarded, peer];
  if ("hops" in trust) return chain[Math.max(0, chain.length - 1 - trust.hops)] ?? peer;
  const proxies = new Set(trust.addresses.map(normalise));
  for (let i = chain.length - 1; i >= 0; i--) if (!proxies.has(chain[i]!)) return chain[i]!;
  return chain[0] ?? peer;
}

export function isLoopbackAddress(address: string): boolean {
  const a = normalise(address);
  return a === "::1" || /^127\.\d+\.\d+\.\d+$/.test(a);
}

/** Whether the request arrived over https (directly, or as a trusted proxy says). */
export function isHttps(request: Request, config: Pick<Config, "TRUST_PROXY">): boolean {
  if (request.headers.get(PROTO_HEADER) === "https") return true;
  return config.TRUST_PROXY !== null && request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

/** The host name of a Host (or Origin host) value, lower-cased, without port or brackets. */
export function hostName(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith("[")) return value.slice(0, value.indexOf("]") + 1);
  return value.replace(/:\d+$/, "");
}

/**
 * The Host allow-list: loopback names always, plus ALLOWED_HOSTS (a name, or name:port to pin the
 * port). A rebound DNS name points a foreign page at this server under its own name; it gets 421.
 */
export function hostAllowed(host: string | null, config: Pick<Config, "ALLOWED_HOSTS">): boolean {
  if (!host) return false;
  const value = host.trim().toLowerCase();
  const name = hostName(value);
  if (LOOPBACK_HOSTS.includes(name) || name.endsWith(".localhost")) return true;
  return config.ALLOWED_HOSTS.some((allowed) => allowed === value || allowed === name);
}
