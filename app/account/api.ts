import { fetcher, send } from "@/app/_shared/api";
import type { SessionSummary } from "@/features/auth/sessions";
import type { TokenSummary } from "@/features/auth/tokens";
import type { Scope } from "@/features/auth/scopes";

export type { Scope, SessionSummary, TokenSummary };
export type NewToken = TokenSummary & { token: string };

export const SESSIONS_URL = "/api/auth/sessions";
export const TOKENS_URL = "/api/tokens";

/** The account endpoints the page calls; errors arrive as the shared ApiError. */
export const api = {
  sessions: () => fetcher<{ data: SessionSummary[] }>(SESSIONS_URL),
  endSession: (id: string) => send<void>("DELETE", `${SESSIONS_URL}/${encodeURIComponent(id)}`),
  endAllSessions: () => send<void>("POST", `${SESSIONS_URL}/revoke-all`),
  changePassword: (current_password: string, new_password: string) => send<void>("POST", "/api/auth/password", { current_password, new_password }),
  tokens: () => fetcher<{ data: TokenSummary[] }>(TOKENS_URL),
  createToken: (body: { name: string; scope: Scope; expires_at?: string }) => send<NewToken>("POST", TOKENS_URL, body),
  revokeToken: (id: string) => send<void>("DELETE", `${TOKENS_URL}/${encodeURIComponent(id)}`),
};

// Order matters: Edge also names Chrome, Chrome also names Safari, Android also names Linux.
const BROWSERS: [RegExp, string][] = [[/Edg\//, "Edge"], [/Firefox\//, "Firefox"], [/Chrom(e|ium)\//, "Chrome"], [/Safari\//, "Safari"], [/curl\//, "curl"]];
const SYSTEMS: [RegExp, string][] = [[/Android/, "Android"], [/iPhone|iPad/, "iOS"], [/Mac OS X/, "macOS"], [/Windows/, "Windows"], [/Linux/, "Linux"]];

/** "Chrome on macOS" from a user agent, enough to tell one's own devices apart; the raw string is the fallback. */
export function describeAgent(agent: string | null): string {
  if (!agent) return "Unknown device";
  const name = BROWSERS.find(([re]) => re.test(agent))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(agent))?.[1];
  if (!name) return agent.length > 60 ? `${agent.slice(0, 57)}…` : agent;
  return system ? `${name} on ${system}` : name;
}
