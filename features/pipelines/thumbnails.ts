import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import type { FileRow } from "@/db/schema";
import type { AppContext } from "@/features/shared/context";
import { AppError, notFound } from "@/features/shared/errors";
import { Slots } from "@/features/shared/limiter";
import type { JobError } from "@/features/queue/types";
import { classifyError } from "./errors";
import { writeAtomically } from "@/features/shared/files";
import { PRIVATE_DIR_MODE, resolveKey } from "@/features/shared/paths";
import { findFileRow, selectCompletedOutputs } from "./queries";
import { pipelineSpecSchema } from "./schemas";
import { configureSharp, openImage } from "./transform";

export const THUMBNAIL_SIZE = 320;

// One generation per file at a time in this process: a gallery asks for the same file from several
// requests at once.
const inFlight = new Map<string, Promise<string>>();

/** Thumbnails decoded at once; the rest wait in order, and past MAX_WAITING are answered 503. */
export const THUMBNAIL_SLOTS = 2;
const MAX_WAITING = 100;
const BUSY_RETRY_AFTER_S = 2;
/** Files remembered as undecodable (oldest forgotten first). */
const MAX_REMEMBERED_FAILURES = 10_000;

const holder = globalThis as unknown as { __batchyardThumbnails?: { slots: Slots; failures: Map<string, JobError> } };
function thumbnailState() {
  holder.__batchyardThumbnails ??= { slots: new Slots(THUMBNAIL_SLOTS, MAX_WAITING), failures: new Map() };
  return holder.__batchyardThumbnails;
}

export const thumbnailPath = (ctx: AppContext, fileId: string) => path.join(ctx.paths.thumbs, `${fileId}.webp`);

/**
 * Makes `thumbs/<file id>.webp` (a small auto-oriented WebP) if it is not there yet and returns its
 * path. Thumbnails are made when first asked for, not by the jobs: making one for every file while
 * the batch runs costs about a tenth of the batch's time (bench/pipeline.ts), and most files are
 * never looked at one by one. Written with writeAtomically, so readers never see half a thumbnail;
 * unlike outputs it is not fsynced: it is a cache re-made on demand, and an empty file left by a
 * power cut counts as missing.
 * Throws not_found for an unknown file and the decoder's error for an unreadable one. At most
 * THUMBNAIL_SLOTS are decoded at once, so a page of thumbnails cannot take the cores from the queue;
 * a file that failed to decode for good is remembered and not decoded again on every request.
 */
export async function ensureThumbnail(ctx: AppContext, fileId: string): Promise<string> {
  // The row is looked up before the id goes anywhere near a path: the id comes from the URL, and
  // `../outputs/<batch>/<job>` (or any `../../x`) would otherwise name a .webp outside thumbs/.
  const file = findFileRow(ctx.db, fileId);
  if (!file) throw notFound("file", fileId);
  const target = thumbnailPath(ctx, file.id);
  if ((await fs.promises.stat(target).catch(() => undefined))?.size) return target;
  const remembered = thumbnailState().failures.get(file.id);
  if (remembered) throw remembered;
  const running = inFlight.get(file.id);
  if (running) return running;
  const work = makeInTurn(ctx, file, target).finally(() => inFlight.delete(file.id));
  inFlight.set(file.id, work);
  return work;
}

async function makeInTurn(ctx: AppContext, file: FileRow, target: string): Promise<string> {
  const { slots, failures } = thumbnailState();
  const release = await slots.take();
  if (!release) {
    throw new AppError("unavailable", "The server is making many thumbnails; try again in a moment.", {
      headers: { "Retry-After": String(BUSY_RETRY_AFTER_S) },
    });
  }
  try {
    return await makeThumbnail(ctx, file, target);
  } catch (error) {
    const classified = classifyError(error);
    if (classified.kind === "permanent") {
      if (failures.size >= MAX_REMEMBERED_FAILURES) failures.delete(failures.keys().next().value!);
      failures.set(file.id, classified);
    }
    throw error;
  } finally {
    release();
  }
}

async function makeThumbnail(ctx: AppContext, file: FileRow, target: string): Promise<string> {
  await fs.promises.mkdir(ctx.paths.thumbs, { recursive: true, mode: PRIVATE_DIR_MODE });
  const source = (await faithfulOutput(ctx, file.id, file.mime)) ?? resolveKey(ctx.paths, file.storageKey);
  await writeAtomically(
    target,
    (temp) =>
      openImage(source, ctx.config)
        .timeout({ seconds: 60 })
        .rotate()
        .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: "inside", withoutEnlargement: true })
        .webp({ quality: 70, effort: 2 })
        .toFile(temp),
    { syncFile: false },
  );
  return target;
}

/**
 * Decoding a large original just for a 320 px thumbnail costs about as much as a job; an upright,
 * uncropped, unstretched output of the file that is still big enough shows the same picture and
 * decodes far faster. The smallest such output on disk, or none (then the input is used).
 */
async function faithfulOutput(ctx: AppContext, fileId: string, inputMime: string): Promise<string | undefined> {
  const rows = selectCompletedOutputs(ctx.db, fileId);
  for (const row of rows) {
    if (Math.max(row.width, row.height) < THUMBNAIL_SIZE || !isFaithful(row.spec, inputMime)) continue;
    const output = resolveKey(ctx.paths, row.key);
    if (await fs.promises.stat(output).then((s) => s.size > 0, () => false)) return output;
  }
  return undefined;
}

/**
 * Whether an output looks like its input, only smaller: turned upright, not cropped, and (unless the
 * input is a JPEG, which has no transparency) with its transparency kept rather than filled in.
 */
function isFaithful(stored: string, inputMime: string): boolean {
  let raw: unknown;
  try {
    raw = JSON.parse(stored);
  } catch {
    return false;
  }
  const parsed = pipelineSpecSchema.safeParse(raw);
  if (!parsed.success) return false;
  const spec = parsed.data;
  const keepsTransparency = inputMime === "image/jpeg" || (spec.alpha && spec.format !== "jpeg");
  return spec.auto_orient && keepsTransparency && (!(spec.width || spec.height) || spec.fit === "inside" || spec.fit === "outside");
}

let placeholder: Promise<Buffer> | undefined;

/** A neutral grey WebP answered for files that cannot be decoded, made once per process. */
export function placeholderThumbnail(): Promise<Buffer> {
  configureSharp({ QUEUE_CONCURRENCY: 3 });
  placeholder ??= sharp({
    create: { width: THUMBNAIL_SIZE, height: 240, channels: 3, background: { r: 203, g: 213, b: 225 } },
  })
    .composite([
      {
        input: Buffer.from(
          `<svg xmlns="http://www.w3.org/2000/svg" width="${THUMBNAIL_SIZE}" height="240"><g fill="none" stroke="#64748b" stroke-width="8"><rect x="120" y="80" width="80" height="80" rx="8"/><path d="M128 152l24-28 16 18 12-12 12 22"/></g></svg>`,
        ),
      },
    ])
    .webp({ quality: 60 })
    .toBuffer();
  return placeholder;
}
