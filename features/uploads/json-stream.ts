import { AppError } from "@/features/shared/errors";

/**
 * Splits a JSON body as it streams in, so large string values never have to be held: each string
 * at `<listKey>[i].<valueKey>` (`files[i].file_data`) goes piece by piece to a sink, and everything
 * else is kept as JSON text, the "skeleton", with each streamed string replaced by a token naming
 * its sink (streamedToken). The skeleton is checked by JSON.parse afterwards; this scanner follows
 * only as much of the grammar as it needs to know where it is, so malformed input is caught there.
 * Streamed strings are read as ASCII (base64 is): other bytes reach the sink as Latin-1 characters.
 */

export interface StringSink {
  /** The next piece of the string's text, escapes resolved. */
  write(text: string): void;
  /** The string ended. */
  end(): void;
}

export interface SplitterOptions {
  listKey: string;
  valueKey: string;
  /** A new sink for the string of list element `index`. */
  open(index: number): StringSink;
  /** Bytes the skeleton may grow to: everything but the streamed strings. */
  maxSkeletonBytes: number;
}

interface Frame {
  kind: "object" | "array";
  /** Object: the key whose value is being read (null before the first). Array: unused. */
  key: string | null;
  expectingKey: boolean;
  index: number;
  /** Object inside the list: its value string was already streamed once. */
  streamed: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MAX_KEY_BYTES = 256;
const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

export const streamedToken = (index: number) => `\u0000streamed:${index}`;

/** The sink index a skeleton value stands for, or undefined for any other value. */
export function streamedIndex(value: unknown): number | undefined {
  if (typeof value !== "string" || !value.startsWith("\u0000streamed:")) return undefined;
  return Number(value.slice("\u0000streamed:".length));
}

export class JsonSplitter {
  private readonly frames: Frame[] = [];
  private readonly skeleton: Buffer[] = [];
  private skeletonBytes = 0;
  private mode: "structure" | "string" | "key" | "streamed" = "structure";
  private escaping = false;
  private keyBytes: number[] = [];
  private sink: StringSink | undefined;
  private sinkIndex = 0;
  private escape = "";
  private listsSeen = 0;

  constructor(private readonly options: SplitterOptions) {}

  /** Scans one chunk of the body. Throws AppError on a body that cannot be right whatever follows. */
  push(chunk: Buffer): void {
    let copyFrom = 0;
    for (let i = 0; i < chunk.length; i++) {
      if (this.mode === "streamed") {
        this.keep(chunk, copyFrom, i);
        i = this.streamString(chunk, i);
        copyFrom = i + 1;
        continue;
      }
      const byte = chunk[i]!;
      if (this.mode === "string" || this.mode === "key") {
        this.scanStringByte(byte);
        continue;
      }
      if (byte === QUOTE && this.startsStreamedValue()) {
        this.keep(chunk, copyFrom, i);
        copyFrom = i + 1;
        this.openSink();
        continue;
      }
      this.structure(byte);
    }
    if (this.mode !== "streamed") this.keep(chunk, copyFrom, chunk.length);
  }

  /** The skeleton as text, once the body has ended. */
  finish(): string {
    if (this.mode === "streamed") throw invalidJson("the body ends inside a string");
    return Buffer.concat(this.skeleton).toString("utf8");
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.skeletonBytes += to - from;
    if (this.skeletonBytes > this.options.maxSkeletonBytes) {
      const kb = Math.round(this.options.maxSkeletonBytes / 1024);
      throw new AppError("payload_too_large", `The JSON body's fields other than ${this.options.valueKey} are larger than ${kb} KB.`, {
        details: { max_bytes: this.options.maxSkeletonBytes },
      });
    }
    // A copy: a slice would keep the whole chunk (mostly file data) alive until the body ends.
    this.skeleton.push(Buffer.from(chunk.subarray(from, to)));
  }

  private keepText(text: string): void {
    const bytes = Buffer.from(text, "utf8");
    this.keep(bytes, 0, bytes.length);
  }

  private structure(byte: number): void {
    const top = this.frames.at(-1);
    switch (byte) {
      case 0x7b: // {
        this.frames.push({ kind: "object", key: null, expectingKey: true, index: 0, streamed: false });
        break;
      case 0x5b: // [
        if (this.frames.length === 1 && top?.key === this.options.listKey && ++this.listsSeen > 1) {
          throw invalidJson(`the key ${this.options.listKey} appears twice`);
        }
        this.frames.push({ kind: "array", key: null, expectingKey: false, index: 0, streamed: false });
        break;
      case 0x7d: // }
      case 0x5d: // ]
        this.frames.pop();
        break;
      case 0x2c: // ,
        if (top?.kind === "object") Object.assign(top, { expectingKey: true, key: null });
        else if (top) top.index++;
        break;
      case 0x3a: // :
        if (top?.kind === "object") top.expectingKey = false;
        break;
      case QUOTE:
        this.mode = top?.kind === "object" && top.expectingKey ? "key" : "string";
        this.keyBytes = [];
        break;
    }
  }

  /** Inside a kept string: find its end; a key's bytes are collected to know the key. */
  private scanStringByte(byte: number): void {
    if (this.escaping) this.escaping = false;
    else if (byte === BACKSLASH) this.escaping = true;
    else if (byte === QUOTE) {
      if (this.mode === "key") this.endKey();
      this.mode = "structure";
      return;
    }
    if (this.mode === "key" && this.keyBytes.length <= MAX_KEY_BYTES) this.keyBytes.push(byte);
  }

  private endKey(): void {
    const top = this.frames.at(-1)!;
    const raw = Buffer.from(this.keyBytes).toString("utf8");
    try {
      top.key = this.keyBytes.length > MAX_KEY_BYTES ? null : (JSON.parse(`"${raw}"`) as string);
    } catch {
      top.key = null; // the skeleton's JSON.parse refuses the body later
    }
  }

  /** At a `"` in structure mode: is this the value string of `<listKey>[i].<valueKey>`? */
  private startsStreamedValue(): boolean {
    const [root, list, item] = this.frames;
    if (this.frames.length !== 3 || root!.kind !== "object" || root!.key !== this.options.listKey) return false;
    if (list!.kind !== "array" || item!.kind !== "object" || item!.expectingKey || item!.key !== this.options.valueKey) return false;
    if (item!.streamed) throw invalidJson(`the key ${this.options.valueKey} appears twice in one element`);
    item!.streamed = true;
    return true;
  }

  private openSink(): void {
    this.sinkIndex = this.frames[1]!.index;
    this.sink = this.options.open(this.sinkIndex);
    this.mode = "streamed";
    this.escape = "";
  }

  /** Hands the streamed string's text to its sink up to its closing quote; returns the last index used. */
  private streamString(chunk: Buffer, start: number): number {
    let i = start;
    let runStart = start;
    const flush = (end: number) => {
      if (end > runStart) this.sink!.write(chunk.toString("latin1", runStart, end));
    };
    for (; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (this.escape) {
        this.escape += String.fromCharCode(byte);
        this.resolveEscape();
        runStart = i + 1;
        continue;
      }
      if (byte === QUOTE) {
        flush(i);
        this.closeSink();
        return i;
      }
      if (byte === BACKSLASH || byte < 0x20) {
        flush(i);
        if (byte < 0x20) throw invalidJson("a string holds a raw control character");
        this.escape = "\\";
        runStart = i + 1;
      }
    }
    flush(i);
    return i - 1;
  }

  private resolveEscape(): void {
    const kind = this.escape[1]!;
    if (kind !== "u") {
      const char = SIMPLE_ESCAPES[kind];
      if (char === undefined) throw invalidJson(`a string holds the escape \\${kind}`);
      this.sink!.write(char);
      this.escape = "";
      return;
    }
    if (this.escape.length < 6) return;
    if (!/^[0-9a-f]{4}$/i.test(this.escape.slice(2))) throw invalidJson("a string holds a bad \\u escape");
    this.sink!.write(String.fromCharCode(Number.parseInt(this.escape.slice(2), 16)));
    this.escape = "";
  }

  private closeSink(): void {
    this.sink!.end();
    this.sink = undefined;
    this.mode = "structure";
    this.keepText(JSON.stringify(streamedToken(this.sinkIndex)));
  }
}

const invalidJson = (why: string) => new AppError("invalid_json", `The request body is not valid JSON: ${why}.`);
