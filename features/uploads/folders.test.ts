import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Principal } from "@/features/auth/scopes";
import { createUser } from "@/features/auth/users";
import { chooseCustomerPrefix, prefixFromPath, safeFolder } from "@/features/batches/naming";
import { ensureDefaultPipelines } from "@/features/pipelines/queries";
import { DEFAULT_PIPELINES } from "@/features/pipelines/schemas";
import { createTestContext, type TestContext } from "@/test/fixtures";
import { batchFileNames } from "./commit";
import { acceptUpload } from "./service";
import { createBatchFromStoredFiles } from "./stored";

describe("safeFolder: the folder a client name carries, made safe", () => {
  it.each([
    ["shoot/day1/a.png", "shoot/day1"],
    ["a.png", ""],
    ["shoot\\day1\\a.png", "shoot/day1"],
    ["shoot／day1＼a.png", "shoot/day1"], // fullwidth slash and backslash are separators after NFKC
    ["../../etc/a.png", "etc"],
    ["shoot/../../a.png", "shoot"],
    ["./x/./a.png", "x"],
    ["．．/．．/x/a.png", "x"], // fullwidth dots are `..`
    ["/abs/path/a.png", "abs/path"],
    ["C:\\Users\\jo\\a.png", "Users/jo"],
    ["shoot//day1///a.png", "shoot/day1"],
    ["sh\u0000oot/da\u202ey1/a.png", "shoot/day1"], // control and bidi characters go
    ["a:b/c*d/a.png", "a_b/c_d"], // reserved characters become _
    ["..../ /a.png", ""],
  ])("%j -> %j", (name, folder) => {
    expect(safeFolder(name)).toBe(folder);
  });

  it("keeps at most the 12 innermost folders", () => {
    const deep = `${Array.from({ length: 20 }, (_, i) => `d${i}`).join("/")}/a.png`;
    expect(safeFolder(deep).split("/")).toEqual(Array.from({ length: 12 }, (_, i) => `d${i + 8}`));
  });
});

describe("the customer prefix from folder names", () => {
  it("comes from the nearest folder that carries one when the file name has none", () => {
    expect(prefixFromPath("ACME_chair/front.jpg")).toBe("ACME");
    expect(prefixFromPath("shoot/PL_DXB_lamp/side/a.jpg")).toBe("PL_DXB");
    expect(prefixFromPath("ACME_chair/XYZ_front.jpg")).toBe("XYZ");
    expect(prefixFromPath("shoot/day1/front.jpg")).toBeUndefined();
    expect(chooseCustomerPrefix({ fileNames: ["ACME_chair/front.jpg", "ACME_table/front.jpg"], fallback: "BATCH" })).toBe("ACME");
  });
});

describe("batchFileNames", () => {
  it("keeps names unique per folder, so two front.jpg from two folders both stay front.jpg", () => {
    const names = batchFileNames(["ACME_chair/front.jpg", "ACME_table/front.jpg", "ACME_table/FRONT.jpg", "front.jpg", "front.jpg"].map((originalName) => ({ originalName })));
    expect(names.safe).toEqual(["front.jpg", "front.jpg", "FRONT (2).jpg", "front.jpg", "front (2).jpg"]);
    expect(names.paths).toEqual(["ACME_chair/front.jpg", "ACME_table/front.jpg", "ACME_table/FRONT (2).jpg", null, null]);
    expect(names.display).toEqual(["front.jpg", "front.jpg", "FRONT.jpg", "front.jpg", "front.jpg"]);
  });
});

describe("uploads of a dropped folder", () => {
  let ctx: TestContext;
  let member: Principal;
  const png = (seed: number) => sharp({ create: { width: 8, height: 8, channels: 3, background: { r: seed, g: 0, b: 0 } } }).png().toBuffer();
  const paths = (batchId: string) =>
    ctx.db.$client.prepare("SELECT original_name, safe_name, relative_path FROM files WHERE batch_id = ? ORDER BY rowid").all(batchId);

  beforeEach(async () => {
    ctx = createTestContext({ UPLOAD_RATE_LIMIT: "off" });
    ensureDefaultPipelines(ctx.db, DEFAULT_PIPELINES, ctx.clock.now());
    const user = await createUser(ctx, { email: "m@example.test", role: "member", password: "password-123" });
    member = { userId: user.id, email: "m@example.test", role: "member", scope: "write", via: "token" };
  });
  afterEach(() => ctx.cleanup());

  it("multipart: the part's file name carries the folder; the prefix comes from it", async () => {
    const form = new FormData();
    for (const [i, name] of ["ACME_chair/front.jpg", "ACME_table/front.jpg", "../../ACME_table/side.png"].entries()) {
      form.append("files", new Blob([new Uint8Array(await png(i * 40))]), name);
    }
    const { batch } = await acceptUpload(ctx, new Request("http://local/api/batches", { method: "POST", body: form }), member);
    expect(batch.customer_prefix).toBe("ACME");
    expect(paths(batch.id)).toEqual([
      { original_name: "front.jpg", safe_name: "front.jpg", relative_path: "ACME_chair/front.jpg" },
      { original_name: "front.jpg", safe_name: "front.jpg", relative_path: "ACME_table/front.jpg" },
      { original_name: "side.png", safe_name: "side.png", relative_path: "ACME_table/side.png" },
    ]);
    expect(batch.jobs.map((j: { folder: string | null }) => j.folder)).toEqual(["ACME_chair", "ACME_table", "ACME_table"]);
  });

  it("JSON: `path` is the folder (a path ending in the name is taken whole); without it there is no folder", async () => {
    const data = (await png(9)).toString("base64");
    const body = {
      files: [
        { file_name: "a.png", file_data: data, path: "shoot/day1" },
        { file_name: "b.png", file_data: data, path: "shoot/day2/b.png" },
        { file_name: "c.png", file_data: data },
      ],
    };
    const request = new Request("http://local/api/batches", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    const { batch } = await acceptUpload(ctx, request, member);
    expect(paths(batch.id).map((f) => (f as { relative_path: string | null }).relative_path)).toEqual(["shoot/day1/a.png", "shoot/day2/b.png", null]);
  });

  it("a batch made again from the stored files keeps their folders", async () => {
    const form = new FormData();
    form.append("files", new Blob([new Uint8Array(await png(1))]), "shoot/day1/a.png");
    const { batch } = await acceptUpload(ctx, new Request("http://local/api/batches", { method: "POST", body: form }), member);
    const fileId = (ctx.db.$client.prepare("SELECT id FROM files WHERE batch_id = ?").get(batch.id) as { id: string }).id;
    const again = createBatchFromStoredFiles(ctx, { fileIds: [fileId], pipelineIds: [], owner: member.userId });
    expect(paths(again.batchId)).toEqual([{ original_name: "a.png", safe_name: "a.png", relative_path: "shoot/day1/a.png" }]);
  });
});
