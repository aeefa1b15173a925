import { createHash } from "node:crypto";

/**
 * JSON with a strong ETag (hash of the body) and 304 when the client already has it, so the
 * dashboard can poll every two seconds without re-downloading an unchanged list.
 */
export function jsonWithEtag(request: Request, body: unknown): Response {
  const text = JSON.stringify(body);
  const etag = `"${createHash("sha1").update(text).digest("base64url")}"`;
  const headers = { ETag: etag, "Cache-Control": "no-cache" };
  const sent = request.headers.get("if-none-match");
  if (sent && sent.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(text, { status: 200, headers: { ...headers, "Content-Type": "application/json" } });
}
