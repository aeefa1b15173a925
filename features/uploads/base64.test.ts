import { describe, expect, it } from "vitest";
import { Base64Decoder, isBase64 } from "./base64";

const OLD_PATTERN = /^[A-Za-z0-9+/\r\n]*={0,2}\s*$/; // eslint-disable-line regexp/no-super-linear-backtracking -- the reference being replaced, run on short strings only

describe("base64 check", () => {
  it.each([
    "",
    "QUJD",
    "QUI=",
    "QQ==",
    "QQ==\n",
    "QU\r\nJD\n",
    "QUJD  \t\n",
    "QQ",
    "QQ===",
    "QU JD",
    "QQ=A",
    "QUJD!",
    "QUJD\n!",
    "é",
    "QQ==\n=",
  ])("accepts exactly what the old pattern accepted: %j", (text) => {
    expect(isBase64(text)).toBe(OLD_PATTERN.test(text));
  });

  it("walks a long run of newlines that ends badly once (the old pattern needed minutes)", () => {
    expect(isBase64(`${"\n".repeat(5_000_000)}!`)).toBe(false);
  });

  it("decodes piece by piece to the same bytes as decoding the whole string", () => {
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) % 256));
    const text = bytes.toString("base64").replace(/(.{76})/g, "$1\r\n");
    const decoder = new Base64Decoder();
    const pieces: Buffer[] = [];
    for (let i = 0; i < text.length; i += 37) pieces.push(decoder.push(text.slice(i, i + 37)));
    pieces.push(decoder.end());
    expect(decoder.valid).toBe(true);
    expect(Buffer.concat(pieces).equals(bytes)).toBe(true);
  });

  it("stops decoding at the first character outside the form", () => {
    const decoder = new Base64Decoder();
    decoder.push("QUJD");
    expect(decoder.push("QU*D").length).toBe(0);
    expect(decoder.valid).toBe(false);
  });
});
