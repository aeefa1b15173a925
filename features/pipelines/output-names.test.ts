import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addPipeline, createBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { gradient } from "@/test/images";
import { processContext } from "@/test/queue";
import { fillTemplate, paddedIndex, renderStem, templateProblem, type TemplateValues } from "./filename-template";
import { processImageJob } from "./processor";
import { pipelineSpecSchema, type PipelineSpecInput } from "./schemas";

const VALUES: TemplateValues = {
  name: "PL_DXB_front", ext: "jpg", prefix: "PL_DXB", batch: "PL_DXB_2025-11-05_batch-1", date: "2025-11-05",
  pipeline: "web-jpeg", width: "1600", height: "1067", index: "07", folder: "shoot_day1",
};

describe("filename templates", () => {
  it("fills every token", () => {
    expect(fillTemplate("{prefix}/{batch}/{date}/{pipeline}/{name}.{ext}/{width}x{height}/{index}/{folder}", VALUES)).toBe(
      "PL_DXB/PL_DXB_2025-11-05_batch-1/2025-11-05/web-jpeg/PL_DXB_front.jpg/1600x1067/07/shoot_day1",
    );
  });

  it("pads {index} to the batch size", () => {
    expect([paddedIndex(7, 9), paddedIndex(7, 12), paddedIndex(7, 120), paddedIndex(120, 120)]).toEqual(["7", "07", "007", "120"]);
  });

  it.each([
    ["a/b\\c", "a_b_c"],
    ["a／b＼c", "a_b_c"], // fullwidth slash and backslash are separators after NFKC
    ["..", "image"],
    ["．．/x", "_x"],
    ["a\u0000b\u202ecnp.exe", "abcnp.exe"], // control and bidi characters that disguise an extension
    ["con", "_con"],
    ["-rf", "_rf"],
    ["  ", "image"],
  ])("makes %j one safe segment: %j", (raw, safe) => {
    expect(renderStem(raw, VALUES)).toBe(safe);
  });

  it("makes a token's value safe as well as the literal text", () => {
    expect(renderStem("{folder}-{name}", { ...VALUES, folder: "shoot/day1", name: "..\\..\\etc" })).toBe("shoot_day1-.._.._etc");
  });

  it.each([
    ["{name}", undefined],
    ["{prefix}_{index}-{width}x{height}", undefined],
    ["", "empty"],
    ["{nme}", "Unknown token {nme}"],
    ["{name", "no partner"],
    ["name}", "no partner"],
    ["x".repeat(201), "200 characters"],
  ])("checks %j", (template, problem) => {
    const found = templateProblem(template);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });

  it("the spec refuses a bad template with the field named and defaults to {name}", () => {
    const bad = pipelineSpecSchema.safeParse({ name: "x", format: "png", filename_template: "{size}" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["filename_template"]);
    expect(pipelineSpecSchema.parse({ name: "x", format: "png" }).filename_template).toBe("{name}");
  });
});

describe("output names from a template, on real images", () => {
  let ctx: TestContext;
  beforeEach(() => void (ctx = createTestContext()));
  afterEach(() => ctx.cleanup());

  async function namesOf(spec: PipelineSpecInput, names: string[]) {
    const pipelineId = addPipeline(ctx, spec);
    const inputs = await Promise.all(names.map(async (name, i) => ({ name, data: await gradient(200 + i * 10, 100) })));
    const { jobs, files } = createBatch(ctx, inputs, [pipelineId]);
    const byFile = new Map<string, string>();
    // Reverse order: names must not depend on which job finishes first.
    for (const job of [...jobs].reverse()) {
      const result = await processImageJob({ job, attempt: 1, leaseToken: "t" }, processContext(ctx));
      byFile.set(files.find((f) => f.id === job.fileId)!.originalName, result.outputName);
    }
    return names.map((n) => byFile.get(n));
  }

  it("renders size, index, prefix, date and pipeline; the extension is the output's", async () => {
    const names = await namesOf(
      { name: "Shop JPEG", format: "jpeg", width: 100, filename_template: "{prefix}_{date}_{index}_{name}-{ext}_{width}x{height}_{pipeline}" },
      ["a.png", "b.png", "c.png"],
    );
    const heights = [200, 210, 220].map((w) => Math.round((100 / w) * 100));
    expect(names).toEqual(heights.map((h, i) => `TEST_2025-11-05_${i + 1}_${"abc"[i]}-png_100x${h}_shop-jpeg.jpg`));
  });

  it("{batch} is the batch name, and names stay unique when the template makes them equal", async () => {
    const names = await namesOf({ name: "W", format: "webp", filename_template: "{batch}" }, ["x.png", "y.png", "z.png"]);
    expect(new Set(names.map((n) => n!.toLowerCase())).size).toBe(3);
    expect(names.every((n) => /^TEST_2025-11-05_batch-[0-9a-f]{8}(-[23])?\.webp$/.test(n!))).toBe(true);
  });

  it("the real output size goes into the name", async () => {
    const pipelineId = addPipeline(ctx, { name: "P", format: "png", width: 64, filename_template: "{name}_{width}x{height}" });
    const { jobs } = createBatch(ctx, [{ name: "wide.png", data: await gradient(256, 128) }], [pipelineId]);
    const result = await processImageJob({ job: jobs[0]!, attempt: 1, leaseToken: "t" }, processContext(ctx));
    const meta = await sharp(`${ctx.paths.root}/${result.outputKey}`).metadata();
    expect(result.outputName).toBe(`wide_${meta.width}x${meta.height}.png`);
    expect([meta.width, meta.height]).toEqual([64, 32]);
  });
});
