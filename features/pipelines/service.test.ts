import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "@/features/shared/errors";
import { errorResponse } from "@/features/shared/http";
import { createBatch, createTestContext, type TestContext } from "@/test/fixtures";
import { gradient } from "@/test/images";
import { ensureDefaultPipelines } from "./queries";
import { createPipelineSchema, DEFAULT_PIPELINES } from "./schemas";
import { createPipeline, deletePipeline, getPipeline, listPipelines, resolveBatchPipelines, restorePipeline, updatePipeline } from "./service";

let ctx: TestContext;
beforeEach(() => {
  ctx = createTestContext();
  ensureDefaultPipelines(ctx.db, DEFAULT_PIPELINES, ctx.clock.now());
});
afterEach(() => ctx.cleanup());

const defaults = () => listPipelines(ctx).filter((p) => p.is_default);

async function statusOf(fn: () => unknown): Promise<{ status: number; body: { error: { code: string; message: string; details?: unknown } } }> {
  try {
    fn();
  } catch (error) {
    const res = errorResponse(error);
    return { status: res.status, body: await res.json() };
  }
  throw new Error("expected an error");
}

describe("pipeline service", () => {
  it("creates a pipeline with defaults filled in and a slug", () => {
    const p = createPipeline(ctx, createPipelineSchema.parse({ name: "Shop AVIF", format: "avif", width: 1200 }));
    expect(p).toMatchObject({ name: "Shop AVIF", slug: "shop-avif", fit: "inside", without_enlargement: true, strip_metadata: true, is_default: false });
    expect(getPipeline(ctx, p.id).id).toBe(p.id);
  });

  it("refuses unknown fields and bad values naming the field", async () => {
    for (const [body, field] of [
      [{ name: "x", format: "webp", colour: "red" }, ""],
      [{ name: "x", format: "bmp" }, "format"],
      [{ name: "x", format: "webp", quality: 101 }, "quality"],
      [{ name: "x", format: "webp", background: "red" }, "background"],
    ] as const) {
      const result = createPipelineSchema.safeParse(body);
      expect(result.success).toBe(false);
      const res = errorResponse(result.error);
      const json = await res.json();
      expect(res.status).toBe(400);
      expect(json.error.message).toContain(field || "colour");
    }
  });

  it("keeps names unique among live pipelines (case-insensitive), freed again by archiving", async () => {
    const first = createPipeline(ctx, createPipelineSchema.parse({ name: "Print TIFF", format: "tiff" }));
    const clash = await statusOf(() => createPipeline(ctx, createPipelineSchema.parse({ name: "print tiff", format: "png" })));
    expect([clash.status, clash.body.error.code]).toEqual([409, "duplicate_name"]);
    const rename = await statusOf(() => updatePipeline(ctx, listPipelines(ctx).find((p) => p.id !== first.id)!.id, { name: "Print TIFF" }));
    expect(rename.status).toBe(409);
    createBatch(ctx, [{ name: "a.png", data: await gradient(8, 8) }], [first.id]);
    expect(deletePipeline(ctx, first.id).outcome).toBe("archived");
    const again = createPipeline(ctx, createPipelineSchema.parse({ name: "Print TIFF", format: "tiff" }));
    expect(again.slug).toBe("print-tiff-2");
  });

  it("PATCH merges fields, re-validates and renames the slug", () => {
    const p = createPipeline(ctx, createPipelineSchema.parse({ name: "A", format: "webp", width: 100 }));
    const updated = updatePipeline(ctx, p.id, { name: "B wide", width: 2000, quality: 50 });
    expect(updated).toMatchObject({ name: "B wide", slug: "b-wide", width: 2000, quality: 50, format: "webp" });
    expect(() => updatePipeline(ctx, "nope", { name: "x" })).toThrow(AppError);
  });

  it("keeps exactly one default: switching moves it, unsetting it is refused", async () => {
    const p = createPipeline(ctx, createPipelineSchema.parse({ name: "New default", format: "webp", is_default: true }));
    expect(defaults().map((d) => d.id)).toEqual([p.id]);
    const other = listPipelines(ctx).find((x) => !x.is_default)!;
    updatePipeline(ctx, other.id, { is_default: true });
    expect(defaults().map((d) => d.id)).toEqual([other.id]);
    const refused = await statusOf(() => updatePipeline(ctx, other.id, { is_default: false }));
    expect(refused.status).toBe(409);
  });

  it("deletes an unused pipeline, archives a used one (still readable), and promotes a new default", async () => {
    const [def, second] = listPipelines(ctx);
    const { batchId } = createBatch(ctx, [{ name: "a.png", data: await gradient(8, 8) }], [def!.id]);
    const archived = deletePipeline(ctx, def!.id);
    expect(archived.outcome).toBe("archived");
    expect(getPipeline(ctx, def!.id).archived_at).not.toBeNull();
    expect(ctx.db.$client.prepare("SELECT count(*) AS n FROM jobs WHERE batch_id = ?").get(batchId)).toEqual({ n: 1 });
    expect(defaults().map((d) => d.id)).toEqual([second!.id]);
    expect(listPipelines(ctx).some((p) => p.id === def!.id)).toBe(false);
    expect(deletePipeline(ctx, second!.id)).toEqual({ outcome: "deleted", id: second!.id });
    expect(defaults()).toHaveLength(1);
    const gone = await statusOf(() => getPipeline(ctx, second!.id));
    expect(gone.status).toBe(404);
  });
});

describe("deleting the default and restoring", () => {
  it("makes the chosen pipeline the default in the same step, refusing itself or an archived one", async () => {
    const [def, second, third] = listPipelines(ctx);
    const self = await statusOf(() => deletePipeline(ctx, def!.id, { newDefault: def!.id }));
    expect(self).toMatchObject({ status: 400, body: { error: { code: "unknown_pipeline" } } });
    expect(getPipeline(ctx, def!.id)).toMatchObject({ is_default: true, archived_at: null }); // nothing changed
    deletePipeline(ctx, second!.id);
    expect((await statusOf(() => deletePipeline(ctx, def!.id, { newDefault: second!.id }))).status).toBe(400);
    expect(deletePipeline(ctx, def!.id, { newDefault: String(third!.number) })).toEqual({ outcome: "deleted", id: def!.id });
    expect(defaults().map((d) => d.id)).toEqual([third!.id]);
  });

  it("restores an archived pipeline to the list, not as the default, unless its name is taken", async () => {
    const [def, second] = listPipelines(ctx);
    createBatch(ctx, [{ name: "a.png", data: await gradient(8, 8) }], [second!.id]);
    expect(deletePipeline(ctx, second!.id).outcome).toBe("archived");
    const restored = restorePipeline(ctx, second!.id);
    expect(restored).toMatchObject({ id: second!.id, archived_at: null, is_default: false });
    expect(listPipelines(ctx).map((p) => p.id)).toContain(second!.id);
    expect(defaults().map((d) => d.id)).toEqual([def!.id]);
    expect(restorePipeline(ctx, second!.id)).toEqual(restored); // restoring a live one changes nothing

    deletePipeline(ctx, second!.id);
    createPipeline(ctx, createPipelineSchema.parse({ name: second!.name, format: "png" }));
    const clash = await statusOf(() => restorePipeline(ctx, second!.id));
    expect(clash).toMatchObject({ status: 409, body: { error: { code: "duplicate_name" } } });
  });
});

describe("pipeline numbers", () => {
  it("are 1, 2, 3… in creation order, never reused, and name a pipeline wherever its id does", () => {
    expect(listPipelines(ctx).map((p) => [p.name, p.number])).toEqual(DEFAULT_PIPELINES.map((p, i) => [p.name, i + 1]));
    const n = DEFAULT_PIPELINES.length;
    const unused = createPipeline(ctx, createPipelineSchema.parse({ name: "Scratch", format: "png" }));
    expect(unused.number).toBe(n + 1);
    expect(deletePipeline(ctx, String(n + 1))).toEqual({ outcome: "deleted", id: unused.id });
    const next = createPipeline(ctx, createPipelineSchema.parse({ name: "Batch Test - PNG", format: "png", width: 800, alpha: false, compression: 70 }));
    expect(next.number).toBe(n + 2);
    expect(getPipeline(ctx, String(n + 2)).id).toBe(next.id);
    expect(updatePipeline(ctx, String(n + 2), { width: 640 }).width).toBe(640);
    const first = listPipelines(ctx).find((p) => p.number === 1)!;
    expect(resolveBatchPipelines(ctx, ["1", first.id, String(n + 2)]).map((p) => p.id)).toEqual([first.id, next.id]);
    expect(() => resolveBatchPipelines(ctx, [String(n + 1)])).toThrow(new RegExp(`Unknown or archived pipeline: ${n + 1}`));
  });
});
