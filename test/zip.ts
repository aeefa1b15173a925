import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** Test helpers that look at a ZIP the way unzip tools do, independently of the writer. */

export interface CentralEntry {
  name: string;
  utf8Flag: boolean;
  /** 0 = stored, 8 = deflate. */
  method: number;
}

/** Walks the central directory records (signature PK\1\2) of an archive. */
export function centralDirectory(zip: Buffer): CentralEntry[] {
  const entries: CentralEntry[] = [];
  // The end-of-central-directory record says where the directory starts (archives under 4 GB).
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let offset = zip.readUInt32LE(eocd + 16);
  while (offset < eocd && zip.readUInt32LE(offset) === 0x02014b50) {
    const flags = zip.readUInt16LE(offset + 8);
    const method = zip.readUInt16LE(offset + 10);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const name = zip.subarray(offset + 46, offset + 46 + nameLength).toString("utf8");
    entries.push({ name, utf8Flag: (flags & 0x0800) !== 0, method });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** `unzip -t` on the archive; returns its output (throws with the output when the test fails). */
export function unzipTest(zip: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "batchyard-zip-"));
  const file = path.join(dir, "archive.zip");
  try {
    fs.writeFileSync(file, zip);
    return execFileSync("unzip", ["-t", file], { encoding: "utf8" });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Parses manifest.csv (RFC 4180, BOM, CRLF) into objects keyed by the header row. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const body = text.replace(/^\ufeff/, "");
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted && c === '"' && body[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted) {
      cell += c;
    } else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && body[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else {
      cell += c;
    }
  }
  const [header, ...data] = rows;
  return data.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ""])));
}

/** Reads a web stream to the end. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
