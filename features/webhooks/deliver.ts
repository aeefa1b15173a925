import type { LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { checkedAddresses, parseWebhookUrl } from "./url-guard";

/** Bytes of a receiver's answer we read (for the delivery log); the rest is discarded unread. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export interface PostResult {
  status: number | null;
  ms: number;
  error: string | null;
}

/**
 * One POST of a signed body. DNS is answered by the guard: the host's addresses are looked up and
 * checked now, and the socket connects to the first checked one, so the address that was allowed
 * is the address that is reached. The whole exchange has a time limit; the answer is read up to
 * MAX_RESPONSE_BYTES and then the connection is dropped.
 */
export async function postSigned(rawUrl: string, body: string, headers: Record<string, string>, options: { timeoutMs: number; allowPrivate: boolean }): Promise<PostResult> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  let answers: LookupAddress[];
  try {
    answers = await checkedAddresses(parseWebhookUrl(rawUrl), options.allowPrivate);
  } catch (error) {
    return { status: null, ms: ms(), error: (error as Error).message };
  }
  const [first] = answers;
  const lookup: LookupFunction = (_host, opts, callback) => {
    if ((opts as { all?: boolean }).all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, [first!]);
    else callback(null, first!.address, first!.family);
  };
  const url = new URL(rawUrl);
  const client = url.protocol === "https:" ? https : http;
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const done = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = client.request(
      url,
      { method: "POST", lookup, headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "User-Agent": "Batchyard-Webhooks/1", ...headers } },
      (response) => {
        let read = 0;
        response.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) response.destroy();
        });
        const finish = () => done({ status: response.statusCode ?? null, ms: ms(), error: null });
        response.on("end", finish);
        response.on("close", finish);
      },
    );
    const timer = setTimeout(() => {
      request.destroy(new Error(`no answer within ${options.timeoutMs / 1000} s`));
    }, options.timeoutMs);
    request.on("error", (error) => done({ status: null, ms: ms(), error: error.message }));
    request.end(body);
  });
}
