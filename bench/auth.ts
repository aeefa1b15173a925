/**
 * What signing a request in costs: authenticate() (cookie or bearer -> principal, one indexed read
 * joined to users, the periodic touch included) on a temp database holding many users, sessions and
 * tokens, so the lookups walk real indexes. The route() wrapper's other checks (Host, cross-site,
 * scope) are string work on top and are timed with it. Budget: well under a millisecond.
 * Usage: npx tsx bench/auth.ts [iterations=20000]. Prints one JSON object.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { authenticate } from "@/features/auth/authenticate";
import { hostAllowed } from "@/features/auth/client";
import { assertNotCrossSite } from "@/features/auth/cross-site";
import { createSession } from "@/features/auth/sessions";
import { createToken } from "@/features/auth/tokens";
import { createUser } from "@/features/auth/users";
import { systemClock } from "@/features/shared/clock";
import { parseConfig } from "@/features/shared/config";
import { createContext } from "@/features/shared/context";
import { createLogger } from "@/features/shared/logger";

const ITERATIONS = Number(process.argv[2] ?? 20_000);
const USERS = 200;
const SESSIONS_PER_USER = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-bench-auth-"));
  try {
    const config = parseConfig({ DATA_DIR: dataDir, LOG_LEVEL: "silent" });
    const ctx = createContext(config, { clock: systemClock, log: createLogger("silent") });
    const cookies: string[] = [];
    const tokens: string[] = [];
    for (let u = 0; u < USERS; u++) {
      const user = await createUser(ctx, { email: `user${u}@bench.test`, role: u === 0 ? "admin" : "member", password: "bench-password" });
      for (let s = 0; s < SESSIONS_PER_USER; s++) {
        cookies.push(createSession(ctx, user.id, { address: "127.0.0.1", userAgent: "bench" }).cookieValue);
      }
      tokens.push(createToken(ctx, { userId: user.id, role: user.role }, { name: "bench", scope: "read" }).token);
    }
    const time = (make: (i: number) => Request) => {
      const samples: number[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        const request = make(i);
        const started = performance.now();
        if (!hostAllowed(request.headers.get("host"), config)) throw new Error("host refused");
        const authn = authenticate(ctx, request);
        if (!authn.bearer) assertNotCrossSite(request);
        if (!authn.principal) throw new Error("not signed in");
        samples.push(performance.now() - started);
      }
      samples.sort((a, b) => a - b);
      const round = (ms: number) => Math.round(ms * 1000) / 1000;
      return { p50_ms: round(percentile(samples, 50)), p99_ms: round(percentile(samples, 99)), max_ms: round(samples.at(-1)!) };
    };
    const session = time((i) => new Request("http://127.0.0.1:3000/api/batches", { headers: { host: "127.0.0.1:3000", cookie: `batchyard_session=${cookies[i % cookies.length]}` } }));
    const token = time((i) => new Request("http://127.0.0.1:3000/api/batches", { headers: { host: "127.0.0.1:3000", authorization: `Bearer ${tokens[i % tokens.length]}` } }));
    console.log(JSON.stringify({ bench: "auth", iterations: ITERATIONS, users: USERS, sessions: USERS * SESSIONS_PER_USER, session, token, budget_ms: 1 }));
    ctx.db.$client.close();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
