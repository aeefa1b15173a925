/**
 * One multipart POST /api/batches whose file parts stream from disk over node:http, as a browser
 * would send them: the client costs next to nothing, so the server's side is what gets timed.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const MB = 1024 * 1024;

export interface PostResult {
  status: number;
  body: string;
  /** Date.now() when the first byte of the body was handed to the socket, and after the last. */
  firstByteAt: number;
  lastByteAt: number;
}

export interface PostOptions {
  /**
   * Fields (and file_count) before the files, as the upload page sends them: the server processes
   * each file as it arrives. Otherwise the fields follow the files (seed-era clients), and the
   * batch starts once the whole body is in.
   */
  fieldsFirst?: boolean;
  /** Paces the body to this rate (a LAN link, say 12.5e6 for 100 Mbit/s); unpaced when absent. */
  bytesPerSecond?: number;
}

/** `headers` (the session cookie, say) are sent as given. Resolves with the status and body. */
export function postFiles(
  base: string,
  files: string[],
  fields: Record<string, string> = {},
  headers: Record<string, string> = {},
  options: PostOptions = {},
): Promise<PostResult> {
  const boundary = `----bench${Date.now()}`;
  const heads = files.map((f) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${path.basename(f)}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
  const allFields = options.fieldsFirst ? { ...fields, file_count: String(files.length) } : fields;
  const fieldText = Object.entries(allFields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join("");
  const lead = Buffer.from(options.fieldsFirst ? fieldText : "");
  const tail = Buffer.from(`${options.fieldsFirst ? "" : fieldText}--${boundary}--\r\n`);
  const length = lead.length + heads.reduce((n, h, i) => n + h.length + fs.statSync(files[i]!).size + 2, 0) + tail.length;
  const rate = options.bytesPerSecond;
  const chunkSize = rate ? 64 * 1024 : MB;
  let sent = 0;
  /** Waits until the link would have carried `sent` bytes since the first one. */
  const pace = async () => {
    if (!rate) return;
    const due = firstByteAt + (sent / rate) * 1000;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
  };
  let firstByteAt = 0;
  let lastByteAt = 0;
  return new Promise((resolve, reject) => {
    const url = new URL("/api/batches", base);
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { ...headers, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": length } }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, firstByteAt, lastByteAt: lastByteAt || Date.now() }));
    });
    req.on("error", reject);
    req.on("finish", () => (lastByteAt = Date.now()));
    (async () => {
      firstByteAt = Date.now();
      req.write(lead);
      for (let i = 0; i < files.length; i++) {
        req.write(heads[i]);
        for await (const chunk of fs.createReadStream(files[i]!, { highWaterMark: chunkSize })) {
          sent += (chunk as Buffer).length;
          await pace();
          if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
        }
        req.write("\r\n");
      }
      req.end(tail);
    })().catch(reject);
  });
}
