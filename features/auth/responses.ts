import { NextResponse } from "next/server";
import type { Config } from "@/features/shared/config";
import { clearedSessionCookie, sessionCookie } from "./authenticate";
import { clientAddress, isHttps } from "./client";
import type { User } from "./users";

/** What login and setup need from the request: where it came from and which browser. */
export const clientOf = (request: Request, config: Pick<Config, "TRUST_PROXY">) => ({
  address: clientAddress(request, config),
  userAgent: request.headers.get("user-agent"),
});

/** 200 + the user, setting the session cookie (Secure when the request came over https). */
export function signedInResponse(
  request: Request,
  config: Pick<Config, "TRUST_PROXY">,
  session: { user: User; cookieValue: string; maxAgeSeconds: number },
  status = 200,
): NextResponse {
  const response = NextResponse.json({ user: session.user }, { status });
  response.headers.append("set-cookie", sessionCookie(session.cookieValue, session.maxAgeSeconds, isHttps(request, config)));
  return response;
}

export function signedOutResponse(request: Request, config: Pick<Config, "TRUST_PROXY">): NextResponse {
  const response = new NextResponse(null, { status: 204 });
  response.headers.append("set-cookie", clearedSessionCookie(isHttps(request, config)));
  return response;
}
