import type { z } from "zod";
import { AppError } from "@/features/shared/errors";
import { parseWith } from "@/features/shared/http";

/**
 * Body of a maintenance POST where every field is optional: an empty body (plain `curl -X POST`)
 * means `{}`; anything else must be JSON matching the schema.
 */
export async function parseOptionalJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  const text = await request.text();
  let body: unknown = {};
  if (text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new AppError("invalid_json", "The request body is not valid JSON.");
    }
  }
  return parseWith(schema, body, "body");
}
