import dns from "node:dns";
import net from "node:net";
import { AppError } from "@/features/shared/errors";

/**
 * Where a webhook may point. Only http(s), no credentials in the URL, and (unless
 * WEBHOOK_ALLOW_PRIVATE=true, for LAN receivers and tests) no loopback, private, link-local or
 * other non-public address: an admin's URL must not turn the server into a probe of its own
 * network. The host is checked when the URL is saved and again at every delivery against the
 * addresses DNS answers then, and the connection goes to the address that was checked (a name that
 * re-resolves to 127.0.0.1 later gains nothing).
 */

const blocked = new net.BlockList();
for (const [net4, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24], ["224.0.0.0", 3],
] as const) blocked.addSubnet(net4, prefix, "ipv4");
for (const [net6, prefix] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["2001:db8::", 32], ["64:ff9b::", 96]] as const) {
  blocked.addSubnet(net6, prefix, "ipv6");
}

/** True for an address a webhook may not reach without WEBHOOK_ALLOW_PRIVATE. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1]!, "ipv4");
  const family = net.isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? "ipv4" : "ipv6");
}

const refuse = (message: string, url: string) => new AppError("validation_failed", message, { details: { fields: [{ field: "url", message }], url } });

/** The URL parsed, if its form is acceptable (scheme, no credentials, a host). */
export function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse("Not a valid URL.", raw);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw refuse("Only http and https URLs can receive webhooks.", raw);
  if (url.username || url.password) throw refuse("Put credentials in the secret, not in the URL.", raw);
  return url;
}

/** The addresses of the URL's host, each checked; throws when one is private and that is not allowed. */
export async function checkedAddresses(url: URL, allowPrivate: boolean): Promise<dns.LookupAddress[]> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const answers = net.isIP(host) ? [{ address: host, family: net.isIP(host) }] : await dns.promises.lookup(host, { all: true }).catch(() => []);
  if (answers.length === 0) throw refuse(`The host ${host} does not resolve.`, url.href);
  if (!allowPrivate) {
    const inside = answers.find((a) => isPrivateAddress(a.address));
    if (inside) throw refuse(`${host} is a loopback or private address (${inside.address}); set WEBHOOK_ALLOW_PRIVATE=true to allow receivers on your own network.`, url.href);
  }
  return answers;
}

/** Validates a URL an admin saves: its form, then its host's addresses now. */
export async function assertWebhookUrl(raw: string, allowPrivate: boolean): Promise<string> {
  const url = parseWebhookUrl(raw);
  await checkedAddresses(url, allowPrivate);
  return url.href;
}
