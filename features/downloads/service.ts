import contentDisposition from "content-disposition";
import type { AppContext } from "@/features/shared/context";
import { planBatchDownload } from "./plan";
import { streamZip } from "./zip-stream";

export interface DownloadResponse {
  body: ReadableStream<Uint8Array>;
  headers: Record<string, string>;
}

/**
 * GET /api/batches/:id/download. A batch with nothing completed yet still answers 200 with a ZIP
 * holding only manifest.csv: the manifest is the useful answer then (what is pending, what failed),
 * and the same link works before, during and after processing.
 */
export async function openBatchDownload(ctx: AppContext, batchId: string): Promise<DownloadResponse> {
  const plan = await planBatchDownload(ctx, batchId);
  const log = ctx.log.child({ batchId });
  const zip = streamZip(plan, log);
  log.info(
    { entries: plan.entries.length, notIncluded: plan.pendingCount, bytes: zip.size },
    "batch download started",
  );
  const headers: Record<string, string> = {
    "Content-Type": "application/zip",
    // RFC 6266 with an RFC 8187 filename* for non-ASCII names.
    "Content-Disposition": contentDisposition(plan.zipName),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Batch-Entries": String(plan.entries.length),
    "X-Batch-Pending": String(plan.pendingCount),
  };
  if (zip.size !== null) headers["Content-Length"] = String(zip.size);
  return { body: zip.stream, headers };
}
