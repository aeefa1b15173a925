import contentDisposition from "content-disposition";
import { localDate } from "@/features/shared/clock";
import type { AppContext } from "@/features/shared/context";
import { planBatchDownload, type DownloadPlan } from "./plan";
import type { DownloadResponse } from "./service";
import { streamZip } from "./zip-stream";

/**
 * GET /api/batches/download: several batches in one ZIP, one folder each (`<base_directory_name>/`,
 * with its own manifest.csv), planned exactly as a single batch's download and streamed by the
 * same writer. Folder names are the batches' unique directory names, so they never collide.
 */
export async function openBatchesDownload(ctx: AppContext, batchIds: string[]): Promise<DownloadResponse> {
  const plans: DownloadPlan[] = [];
  for (const id of batchIds) plans.push(await planBatchDownload(ctx, id));
  const plan = mergePlans(plans, `batches_${localDate(ctx.clock.now())}_${plans.length}.zip`);
  const log = ctx.log.child({ batches: plans.length });
  const zip = streamZip(plan, log);
  log.info({ entries: plan.entries.length, notIncluded: plan.pendingCount, bytes: zip.size }, "download of several batches started");
  const headers: Record<string, string> = {
    "Content-Type": "application/zip",
    "Content-Disposition": contentDisposition(plan.zipName),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Batch-Count": String(plans.length),
    "X-Batch-Entries": String(plan.entries.length),
    "X-Batch-Pending": String(plan.pendingCount),
  };
  if (zip.size !== null) headers["Content-Length"] = String(zip.size);
  return { body: zip.stream, headers };
}

/** One plan out of several: the first manifest leads, the others follow it, then every output. */
export function mergePlans(plans: DownloadPlan[], zipName: string): DownloadPlan {
  const [first, ...rest] = plans;
  if (!first) throw new Error("no plans to merge");
  return {
    ...first,
    zipName,
    extraFiles: rest.map((plan) => ({ path: plan.manifestPath, data: plan.manifest })),
    entries: plans.flatMap((plan) => plan.entries),
    pendingCount: plans.reduce((sum, plan) => sum + plan.pendingCount, 0),
  };
}
