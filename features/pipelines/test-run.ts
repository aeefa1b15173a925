import path from "node:path";
import sharp from "sharp";
import { addPipeline, createBatch, type FixtureFile, type TestContext } from "@/test/fixtures";
import { processContext } from "@/test/queue";
import { processImageJob } from "./processor";
import type { PipelineSpecInput } from "./schemas";

/** Test helpers for the image options: one file through one spec, read back with sharp. */

export async function runSpec(ctx: TestContext, spec: PipelineSpecInput, file: FixtureFile) {
  const pipelineId = addPipeline(ctx, spec);
  const { jobs } = createBatch(ctx, [file], [pipelineId]);
  const result = await processImageJob({ job: jobs[0]!, attempt: 1, leaseToken: "t" }, processContext(ctx));
  const output = path.join(ctx.paths.root, result.outputKey);
  return { result, output, meta: await sharp(output).metadata(), job: jobs[0]! };
}

/** The RGB(A) values at one pixel of an image file. */
export async function pixelAt(file: string, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [...data.subarray(at, at + info.channels)];
}

/** The description an ICC profile gives itself (`sRGB`, `P3`…), from its `desc` tag. */
export function iccDescription(icc: Buffer | undefined): string | undefined {
  if (!icc || icc.length < 132) return undefined;
  const tags = icc.readUInt32BE(128);
  for (let i = 0; i < tags; i++) {
    const at = 132 + i * 12;
    if (icc.subarray(at, at + 4).toString("latin1") !== "desc") continue;
    const offset = icc.readUInt32BE(at + 4);
    const type = icc.subarray(offset, offset + 4).toString("latin1");
    if (type === "mluc") {
      const length = icc.readUInt32BE(offset + 20);
      const start = offset + icc.readUInt32BE(offset + 24);
      return icc.subarray(start, start + length).swap16().toString("utf16le");
    }
    return icc.subarray(offset + 12, offset + 12 + icc.readUInt32BE(offset + 8) - 1).toString("latin1");
  }
  return undefined;
}
