import fs from "node:fs";
import path from "node:path";

/**
 * Signing in for the suites. Every server a suite starts is given ADMIN_EMAIL / ADMIN_PASSWORD, so
 * its first admin exists from the start; browser pages and Playwright's `request` sign in through
 * the storage state global-setup.ts writes, and code that talks HTTP itself signs in with
 * `signIn(url)` and sends the cookie it returns.
 */
export const TEST_ADMIN = { email: "admin@example.test", password: "e2e-admin-password" } as const;
export const ADMIN_ENV = { ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password } as const;

/** Where global-setup.ts stores the admin's session for this run's shared e2e server (one file per server port). */
export const storageStatePath = (): string => path.join(process.cwd(), "reports", ".auth", `admin-${process.env.E2E_PORT}.json`);

/** The command that serves the built app as `npm start` does, with the socket address for route handlers. */
export const SERVER_ENTRY = [
  process.execPath,
  "-r",
  path.join(process.cwd(), "features", "threadpool.cjs"),
  "--import",
  "tsx",
  path.join(process.cwd(), "features", "web-server.ts"),
] as const;

/** Signs in over HTTP; returns the `Cookie` header value to send with later requests. */
export async function signIn(baseUrl: string, who: { email: string; password: string } = TEST_ADMIN): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(who),
  });
  if (response.status !== 200) throw new Error(`sign-in as ${who.email} answered ${response.status}: ${await response.text()}`);
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error("sign-in answered without a session cookie");
  return cookie;
}

/** `fetch` sending the session cookie `signIn` returned (on top of any headers in `init`). */
export function fetchAs(cookie: string, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("cookie", cookie);
  return fetch(url, { ...init, headers });
}

/** The shared e2e server's admin cookie (after global setup), for raw node:http requests. */
export function adminCookie(): string {
  const state = JSON.parse(fs.readFileSync(storageStatePath(), "utf8")) as { cookies: { name: string; value: string }[] };
  return state.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}
