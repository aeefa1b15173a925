import fs from "node:fs";
import type { Readable } from "node:stream";
import { ZipFile } from "yazl";
import type { Logger } from "@/features/shared/logger";
import { downloadActivity } from "./activity";
import type { DownloadPlan } from "./plan";

export interface ZipBody {
  stream: ReadableStream<Uint8Array>;
  /** Exact archive size when every entry is stored (then the browser can show progress). */
  size: number | null;
}

/** How much the web stream buffers ahead of the client before it stops reading files. */
const BUFFER_BYTES = 256 * 1024;

/**
 * Streams the planned archive with yazl: one output file open at a time, read only as fast as the
 * client takes bytes (pull-based backpressure), so memory stays flat whatever the batch size.
 * yazl switches to ZIP64 by itself once offsets or sizes pass 4 GB, and always sets the UTF-8 flag.
 * When the client goes away the web stream is cancelled: the open file is closed and yazl is never
 * asked for the next entry, so no work keeps running.
 */
export function streamZip(plan: DownloadPlan, log: Logger): ZipBody {
  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  const activity = downloadActivity();
  const started = performance.now();
  let current: fs.ReadStream | undefined;
  let sent = 0;
  let settled = false;

  // The manifest first: a download cut short still says what it was meant to hold.
  zip.addBuffer(plan.manifest, plan.manifestPath, { compress: false, mtime: plan.takenAt });
  for (const extra of plan.extraFiles ?? []) zip.addBuffer(extra.data, extra.path, { compress: false, mtime: plan.takenAt });
  for (const entry of plan.entries) {
    const options = { size: entry.size, mtime: entry.mtime, mode: 0o100644, compress: entry.compress };
    zip.addReadStreamLazy(entry.path, options, (callback) => {
      current = fs.createReadStream(entry.file);
      current.on("error", (error) => zip.emit("error", error));
      callback(null, current);
    });
  }
  let size: number | null = null;
  zip.end({}, (total: number) => void (size = total >= 0 ? total : null));

  activity.active++;
  activity.started++;
  const settle = (how: "completed" | "cancelled" | "failed", error?: unknown) => {
    if (settled) return;
    settled = true;
    activity.active--;
    activity[how]++;
    current?.destroy();
    const fields = { batchId: plan.batchId, bytes: sent, entries: plan.entries.length, durationMs: Math.round(performance.now() - started) };
    if (how === "failed") log.error({ ...fields, err: error }, "batch download failed");
    else log.info(fields, how === "completed" ? "batch download finished" : "batch download cancelled by the client");
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        output.on("data", (chunk: Buffer) => {
          // Chunks already in flight when the client went away are dropped, not enqueued.
          if (settled) return;
          sent += chunk.length;
          activity.bytesSent += chunk.length;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) output.pause();
        });
        output.once("end", () => {
          if (settled) return;
          settle("completed");
          controller.close();
        });
        zip.on("error", (error: Error) => {
          if (settled) return;
          settle("failed", error);
          output.destroy();
          controller.error(error);
        });
      },
      pull() {
        output.resume();
      },
      cancel() {
        settle("cancelled");
        output.destroy();
      },
    },
    { highWaterMark: BUFFER_BYTES, size: (chunk) => chunk.byteLength },
  );
  return { stream, size };
}
