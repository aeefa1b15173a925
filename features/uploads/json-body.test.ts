import fs from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errorResponse } from "@/features/shared/http";
import { createTestContext, type TestContext } from "@/test/fixtures";
import { readJsonUpload } from "./json-body";
import { UploadStaging } from "./staging";

let ctx: TestContext;
beforeEach(() => {
  ctx = createTestContext();
});
afterEach(() => ctx.cleanup());

const LIMITS = { maxFiles: 2, maxFileBytes: 1000, maxFields: 100, maxFieldBytes: 16_384, maxBodyBytes: 5_000_000 };

/** A request whose body arrives in pieces of `pieceSize` bytes, so every token can be cut anywhere. */
function chunkedRequest(text: string, pieceSize: number): Request {
  const bytes = Buffer.from(text, "utf8");
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(new Uint8Array(bytes.subarray(at, at + pieceSize)));
      at += pieceSize;
    },
  });
  return new Request("http://local/api/batches", { method: "POST", body, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit);
}

async function read(text: string, pieceSize = 7) {
  const staging = new UploadStaging(ctx.paths.tmp);
  try {
    const parsed = await readJsonUpload(chunkedRequest(text, pieceSize), LIMITS, staging);
    return { ...parsed, contents: parsed.files.map((f) => fs.readFileSync(f.tempPath)) };
  } finally {
    await staging.discard();
  }
}

async function refusal(text: string): Promise<{ status: number; code: string; message: string; tmp: string[] }> {
  try {
    await read(text);
  } catch (error) {
    const response = errorResponse(error);
    const body = (await response.json()) as { error: { code: string; message: string } };
    return { status: response.status, ...body.error, tmp: fs.readdirSync(ctx.paths.tmp) };
  }
  throw new Error("expected a refusal");
}

describe("JSON upload body, streamed", () => {
  it("decodes each file as it arrives, whatever the chunking and the JSON escapes", async () => {
    const a = Buffer.from(Array.from({ length: 600 }, (_, i) => i % 251));
    const b = Buffer.from("hello");
    // `\/` (PHP's json_encode), escaped line breaks and a \u escape inside the base64.
    const aText = a.toString("base64").replace(/(.{60})/g, "$1\\r\\n").replace(/\//g, "\\/");
    const bText = `${b.toString("base64").slice(0, 2)}\\u00${b.toString("base64").charCodeAt(2).toString(16)}${b.toString("base64").slice(3)}`;
    const body = `{"description":"two \\"files\\"","files":[{"file_data":"${aText}","file_name":"a.bin"},{"file_name":"b\\u002ebin","file_data":"${bText}"}],"priority":"high"}`;
    for (const piece of [1, 3, 64, 100_000]) {
      const parsed = await read(body, piece);
      expect(parsed.files.map((f) => f.originalName)).toEqual(["a.bin", "b.bin"]);
      expect(parsed.contents[0]!.equals(a), `piece ${piece}`).toBe(true);
      expect(parsed.contents[1]!.toString()).toBe("hello");
      expect(parsed.options).toEqual({ description: 'two "files"', priority: "high" });
    }
  });

  it.each([
    ["bad base64 is a schema error, named by its field", `{"files":[{"file_name":"a.png","file_data":"QUJD!"}]}`, 400, "validation_failed", "files.0.file_data: must be base64"],
    ["a run of newlines ending badly is refused at once", `{"files":[{"file_name":"a.png","file_data":"${"\\n".repeat(200_000)}!"}]}`, 400, "validation_failed", "must be base64"],
    ["an unknown key comes before a file size problem", `{"files":[{"file_name":"a.png","file_data":"${"A".repeat(2000)}"}],"evil":1}`, 400, "validation_failed", "evil"],
    ["too many files is named by the first extra file", `{"files":[{"file_name":"1","file_data":""},{"file_name":"2","file_data":""},{"file_name":"three.png","file_data":""}]}`, 413, "too_many_files", "three.png"],
    ["the first file over the size cap is named", `{"files":[{"file_name":"ok.png","file_data":"QUJD"},{"file_name":"big.png","file_data":"${"A".repeat(2000)}"}]}`, 413, "file_too_large", "big.png"],
    ["a body cut inside a string is not JSON", `{"files":[{"file_name":"a.png","file_data":"QUJD`, 400, "invalid_json", "JSON"],
    ["a raw control character in the data is not JSON", `{"files":[{"file_name":"a.png","file_data":"QU\u0001JD"}]}`, 400, "invalid_json", "JSON"],
    ["two file_data keys in one file are refused", `{"files":[{"file_name":"a.png","file_data":"QUJD","file_data":"QUJD"}]}`, 400, "invalid_json", "twice"],
    ["two files keys are refused", `{"files":[{"file_name":"a.png","file_data":"QUJD"}],"files":[]}`, 400, "invalid_json", "twice"],
    ["fields past 1 MB are refused", `{"description":"${"x".repeat(1_100_000)}","files":[]}`, 413, "payload_too_large", "fields"],
  ])("%s", async (_name, body, status, code, says) => {
    const answer = await refusal(body);
    expect([answer.status, answer.code]).toEqual([status, code]);
    expect(answer.message).toContain(says);
    expect(answer.tmp).toEqual([]);
  });

  it("stores a file_data that a mapper moved or that arrived escaped in its key, from the body itself", async () => {
    const parsed = await read(`{"files":[{"file_name":"a.png","file\\u005fdata":"QUJD"}]}`);
    expect(parsed.contents[0]!.toString()).toBe("ABC");
  });
});
