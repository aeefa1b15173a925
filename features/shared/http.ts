import { NextResponse } from "next/server";
import { z, ZodError } from "zod";
import { AppError } from "./errors";
import { getContext } from "./context";
import { appEvents, routeLabel } from "./events";

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** The single place an error becomes an HTTP response. Unknown errors are logged, never shown. */
export function errorResponse(error: unknown): NextResponse<ErrorBody> {
  if (error instanceof ZodError) error = validationError(error);
  if (error instanceof AppError) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (error.details) body.error.details = error.details;
    return NextResponse.json(body, { status: error.status, headers: error.headers });
  }
  getContext().log.error({ err: error }, "unhandled error in route");
  return NextResponse.json(
    { error: { code: "internal", message: "Something went wrong on the server. It has been logged." } },
    { status: 500 },
  );
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

type Handler<P> = (request: Request, context: { params: Promise<P> }) => Promise<Response>;

/** Wraps a route handler so every thrown error goes through errorResponse. */
export function route<P = Record<string, string>>(handler: Handler<P>): Handler<P> {
  return async (request, context) => {
    const started = performance.now();
    let response: Response;
    try {
      response = await handler(request, context);
    } catch (error) {
      response = errorResponse(error);
    }
    appEvents().emit("http:request", {
      method: request.method,
      route: routeLabel(new URL(request.url).pathname),
      status: response.status,
      durationMs: performance.now() - started,
    });
    return response;
  };
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

export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new AppError("invalid_json", "The request body is not valid JSON.");
  }
  return parseWith(schema, body, "body");
}

export const json = <T>(body: T, init?: ResponseInit) => NextResponse.json(body, init);
