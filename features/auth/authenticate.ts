import { timingSafeEqual } from "node:crypto";
import type { AppContext } from "@/features/shared/context";
import type { Principal } from "./scopes";
import { SESSION_COOKIE, sessionPrincipal } from "./sessions";
import { tokenPrincipal } from "./tokens";

export interface Authentication {
  principal: Principal | null;
  /** The request presented `Authorization: Bearer …` (nothing ambient: exempt from the cross-site check). */
  bearer: boolean;
  /** The request is the metrics scraper presenting METRICS_TOKEN. */
  metrics: boolean;
  /** The session's expiry moved on: send the cookie again so the browser keeps it as long. */
  touchedSession: string | null;
}

function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

function equalSecrets(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Who sent the request: a bearer token (API scripts; METRICS_TOKEN for the scraper) or the session
 * cookie (the browser). One indexed read either way. A bearer that matches nothing is not
 * silently replaced by the cookie: the request is unauthenticated.
 */
export function authenticate(ctx: AppContext, request: Request): Authentication {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const bearer = match?.[1] ?? "";
    const metrics = ctx.config.METRICS_TOKEN !== undefined && equalSecrets(bearer, ctx.config.METRICS_TOKEN);
    return { principal: metrics ? null : tokenPrincipal(ctx, bearer), bearer: true, metrics, touchedSession: null };
  }
  const cookie = readCookie(request.headers.get("cookie"), SESSION_COOKIE);
  const session = cookie ? sessionPrincipal(ctx, cookie) : null;
  return {
    principal: session?.principal ?? null,
    bearer: false,
    metrics: false,
    touchedSession: session?.touched ? cookie : null,
  };
}

export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${SESSION_COOKIE}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAgeSeconds}`, ...(secure ? ["Secure"] : [])].join("; ");
}

export const clearedSessionCookie = (secure: boolean) => sessionCookie("", 0, secure);
