import { NextResponse } from "next/server";
import { z, ZodError } from "zod";
import { AppError } from "./errors";
import { getContext } from "./context";
import { appEvents, routeLabel } from "./events";
import { authenticate, sessionCookie, type Authentication } from "@/features/auth/authenticate";
import { hostAllowed, isHttps } from "@/features/auth/client";
import { assertNotCrossSite, changesState } from "@/features/auth/cross-site";
import { scopeAllows, type Principal } from "@/features/auth/scopes";

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** Re-shapes our error body for routes that answer another client's envelope (the seed routes). */
export type ErrorShape = (body: ErrorBody, status: number) => unknown;

/** The single place an error becomes an HTTP response. Unknown errors are logged, never shown. */
export function errorResponse(error: unknown, shape?: ErrorShape): NextResponse {
  if (error instanceof ZodError) error = validationError(error);
  let body: ErrorBody;
  let init: ResponseInit;
  if (error instanceof AppError) {
    body = { error: { code: error.code, message: error.message } };
    if (error.details) body.error.details = error.details;
    init = { status: error.status, headers: error.headers };
  } else {
    getContext().log.error({ err: error }, "unhandled error in route");
    body = { error: { code: "internal", message: "Something went wrong on the server. It has been logged." } };
    init = { status: 500 };
  }
  return NextResponse.json(shape ? shape(body, init.status!) : body, init);
}

/** Turns zod issues into a 400 that names each offending field. */
export function validationError(error: ZodError, what = "request"): AppError {
  const fields = error.issues.map((issue) => ({
    field: issue.path.join(".") || what,
    message: issue.message,
  }));
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join("; ");
  return new AppError("validation_failed", `Invalid ${what}: ${summary}`, { details: { fields } });
}

export type Access = "public" | "read" | "write" | "admin" | "metrics";

export interface RouteContext<P> {
  params: Promise<P>;
  /** Who is asking; null only on public routes (and for the metrics scraper). */
  auth: Principal | null;
}
export interface SignedInContext<P> extends RouteContext<P> {
  auth: Principal;
}

type NextHandler<P> = (request: Request, context: { params: Promise<P> }) => Promise<Response>;

const REQUEST_ID = Symbol("batchyard.auth");

/** The principal route() resolved for this request (for code that only has the Request). */
export const principalOf = (request: Request): Principal | null =>
  (request as unknown as Record<symbol, Principal | null>)[REQUEST_ID] ?? null;

/**
 * Every API route goes through here, and so through every check, in this order:
 * 1. the Host allow-list (421 `misdirected`: a rebound DNS name gets nothing);
 * 2. who is asking (session cookie or bearer token; 401 `unauthenticated` unless the route is public);
 * 3. a state-changing request from a browser must come from our own pages (403 `forbidden`);
 * 4. the scope the route needs: GET/HEAD need `read`, other methods `write`, unless the route says
 *    otherwise (`admin` for settings, users, pipelines edits and maintenance);
 * then the handler, and every thrown error becomes its HTTP answer in errorResponse (in the route's own
 * envelope when it passes `errors`, as the seed routes do). Not in Next
 * middleware: a middleware on the upload route would truncate bodies over 10 MB.
 */
export function route<P = Record<string, string>>(
  handler: (request: Request, context: SignedInContext<P>) => Promise<Response>,
  options?: { access?: Exclude<Access, "public" | "metrics">; errors?: ErrorShape },
): NextHandler<P>;
export function route<P = Record<string, string>>(
  handler: (request: Request, context: RouteContext<P>) => Promise<Response>,
  options: { access: "public" | "metrics"; errors?: ErrorShape },
): NextHandler<P>;
export function route<P = Record<string, string>>(
  handler: (request: Request, context: SignedInContext<P>) => Promise<Response>,
  options: { access?: Access; errors?: ErrorShape } = {},
): NextHandler<P> {
  return async (request, context) => {
    const started = performance.now();
    let response: Response;
    let touchedSession: string | null = null;
    try {
      const ctx = getContext();
      const access = options.access ?? (changesState(request.method) ? "write" : "read");
      if (!hostAllowed(request.headers.get("host"), ctx.config)) {
        throw new AppError("misdirected", "This server does not answer to that host name. Add it to ALLOWED_HOSTS if it is yours.");
      }
      const authn = authenticate(ctx, request);
      touchedSession = authn.touchedSession;
      if (!authn.bearer) assertNotCrossSite(request);
      authorize(access, authn);
      (request as unknown as Record<symbol, Principal | null>)[REQUEST_ID] = authn.principal;
      response = await handler(request, { params: context.params, auth: authn.principal as Principal });
    } catch (error) {
      response = errorResponse(error, options.errors);
    }
    if (touchedSession && !response.headers.has("set-cookie")) {
      const ctx = getContext();
      response.headers.append("set-cookie", sessionCookie(touchedSession, ctx.config.SESSION_DAYS * 86_400, isHttps(request, ctx.config)));
    }
    appEvents().emit("http:request", {
      method: request.method,
      route: routeLabel(new URL(request.url).pathname, await Promise.resolve(context.params).catch(() => undefined)),
      status: response.status,
      durationMs: performance.now() - started,
    });
    return response;
  };
}

function authorize(access: Access, authn: Authentication): void {
  if (access === "public") return;
  if (access === "metrics" && authn.metrics) return;
  const principal = authn.principal;
  if (!principal) {
    throw new AppError("unauthenticated", authn.bearer ? "The API token is unknown, revoked or expired." : "Sign in first, or send an API token as `Authorization: Bearer <token>`.");
  }
  const need = access === "metrics" ? "read" : access;
  if (!scopeAllows(principal.scope, need)) {
    throw new AppError(
      "forbidden",
      need === "admin" ? "Only an admin can do this." : `This needs a token with the ${need} scope; this one has ${principal.scope}.`,
      { details: { required_scope: need, scope: principal.scope } },
    );
  }
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what?: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error, what);
  return result.data;
}

/** Query string -> object (repeated keys become arrays) -> schema. */
export function parseQuery<S extends z.ZodType>(request: Request, schema: S): z.infer<S> {
  const params = new URL(request.url).searchParams;
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    raw[key] = all.length > 1 ? all : all[0]!;
  }
  return parseWith(schema, raw, "query");
}

/** Body caps: controls and small forms, and the larger pipeline specs. */
export const BODY_LIMITS = { small: 16 * 1024, large: 256 * 1024 } as const;

/**
 * Reads a JSON body through one byte-capped reader: `Content-Type: application/json` is required
 * (415 otherwise, so a cross-site `text/plain` form cannot pass as JSON), more than `maxBytes`
 * stops reading and answers 413, and an empty body is `{}` when `emptyIsObject` (a plain
 * `curl -X POST`).
 */
export async function parseJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  options: { maxBytes?: number; emptyIsObject?: boolean } = {},
): Promise<z.infer<S>> {
  const maxBytes = options.maxBytes ?? BODY_LIMITS.small;
  const text = await readCapped(request, maxBytes);
  if (text.trim() === "" && options.emptyIsObject) return parseWith(schema, {}, "body");
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    throw new AppError("unsupported_media_type", "Send the body as JSON with `Content-Type: application/json`.", {
      details: { content_type: type ?? null },
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("invalid_json", "The request body is not valid JSON.");
  }
  return parseWith(schema, body, "body");
}

async function readCapped(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  const tooLarge = () =>
    new AppError("payload_too_large", `The request body is larger than ${Math.round(maxBytes / 1024)} KB.`, { details: { max_bytes: maxBytes } });
  if (declared > maxBytes) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export const json = <T>(body: T, init?: ResponseInit) => NextResponse.json(body, init);
