/**
 * Base64 as JSON uploads carry it, checked and decoded in one linear pass, piece by piece, so a
 * file's data never has to be held whole. Accepted: the alphabet with CR/LF line breaks anywhere,
 * up to two `=` of padding, then only whitespace. (A regular expression for the same language,
 * `^[A-Za-z0-9+/\r\n]*={0,2}\s*$`, backtracks quadratically on a long run of newlines.)
 */

const ALPHABET = new Uint8Array(128);
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") ALPHABET[char.charCodeAt(0)] = 1;
const CR = 13;
const LF = 10;
const PAD = 61;
const WHITESPACE = /^\s$/;

type Phase = "data" | "padding" | "trailing";

export class Base64Decoder {
  constructor(private readonly decode = true) {}

  /** False once a character outside the accepted form was seen; decoding stops then. */
  valid = true;
  private phase: Phase = "data";
  private padding = 0;
  /** Alphabet characters not decoded yet (fewer than 4 between pushes). */
  private carry = "";

  /** Checks the next piece of text and returns the bytes of every complete 4-character group. */
  push(text: string): Buffer {
    if (!this.valid) return EMPTY;
    const spans: string[] = [this.carry];
    let spanStart = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (this.phase === "data" && code < 128 && ALPHABET[code]) continue;
      if (this.phase === "data" && i > spanStart) spans.push(text.slice(spanStart, i));
      spanStart = i + 1;
      if (!this.accept(code, text[i]!)) {
        this.valid = false;
        return EMPTY;
      }
    }
    if (this.phase === "data") spans.push(text.slice(spanStart));
    const pending = spans.join("");
    const whole = pending.length - (pending.length % 4);
    this.carry = pending.slice(whole);
    return whole === 0 || !this.decode ? EMPTY : Buffer.from(pending.slice(0, whole), "base64");
  }

  /** The bytes of the last, short group (padding optional, as Buffer.from takes it). */
  end(): Buffer {
    if (!this.valid || this.carry === "") return EMPTY;
    const rest = Buffer.from(this.carry, "base64");
    this.carry = "";
    return rest;
  }

  /** A character that is not part of a data run: a line break, padding or trailing whitespace. */
  private accept(code: number, char: string): boolean {
    if (this.phase === "data" && (code === CR || code === LF)) return true;
    if (code === PAD && this.phase !== "trailing" && this.padding < 2) {
      this.phase = "padding";
      this.padding++;
      return true;
    }
    if (WHITESPACE.test(char)) {
      this.phase = "trailing";
      return true;
    }
    return false;
  }
}

const EMPTY = Buffer.alloc(0);

/** Whether a whole string is base64 in the accepted form. */
export function isBase64(text: string): boolean {
  const decoder = new Base64Decoder(false);
  decoder.push(text);
  return decoder.valid;
}
