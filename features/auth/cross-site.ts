import { AppError } from "@/features/shared/errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const changesState = (method: string): boolean => !SAFE_METHODS.has(method.toUpperCase());

/**
 * A state-changing request a browser sends on behalf of another site carries its own evidence:
 * `Sec-Fetch-Site: cross-site|same-site`, or an Origin that is not ours. Such requests are refused
 * before anything runs. Requests with neither header are not from a browser (scripts, curl), and
 * bearer-token requests carry nothing ambient a foreign page could borrow, so both pass.
 */
export function assertNotCrossSite(request: Request): void {
  if (!changesState(request.method)) return;
  const site = request.headers.get("sec-fetch-site");
  if (site === "same-origin" || site === "none") return;
  const origin = request.headers.get("origin");
  if (site === null && origin === null) return;
  if (site === null && origin !== null && sameOrigin(origin, request.headers.get("host"))) return;
  throw new AppError("forbidden", "Cross-site requests cannot change anything here. Use the Batchyard page itself or an API token.", {
    details: { reason: "cross_site" },
  });
}

function sameOrigin(origin: string, host: string | null): boolean {
  try {
    return host !== null && new URL(origin).host.toLowerCase() === host.trim().toLowerCase();
  } catch {
    return false;
  }
}
