import { afterEach, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "@/test/fixtures";
import {
  baseDirectoryName,
  batchName,
  chooseCustomerPrefix,
  CUSTOMER_PREFIX_PATTERN,
  prefixFromFileName,
  sanitizeFileName,
  uniqueNames,
} from "./naming";

describe("prefixFromFileName", () => {
  it.each([
    ["PL_DXB_front.png", "PL_DXB"],
    ["PL_DXB.png", "PL_DXB"],
    ["ACME_EU_2B_X_front.jpg", "ACME_EU_2B"],
    ["ACME_EU_2_front.jpg", "ACME_EU"],
    ["A1_photo.png", "A1"],
    ["IMG_0001.JPG", "IMG"],
    ["123_ABC.png", undefined],
    ["pl_dxb_front.png", undefined],
    ["Pl_DXB.png", undefined],
    ["front.png", undefined],
    ["_PL_front.png", undefined],
    ["folder/PL_DXB_a.png", "PL_DXB"],
    ["C:\\shots\\PL_a.png", "PL"],
    [".PL_a.png", undefined],
    ["", undefined],
  ])("%s -> %s", (name, expected) => {
    expect(prefixFromFileName(name)).toBe(expected);
  });
});

describe("chooseCustomerPrefix", () => {
  const fallback = "BATCH";
  it("prefers the explicit prefix", () => {
    expect(chooseCustomerPrefix({ explicit: "ZZ", fileNames: ["PL_a.png"], fallback })).toBe("ZZ");
  });
  it("takes the prefix most files share", () => {
    const fileNames = ["AB_1.png", "PL_DXB_a.png", "PL_DXB_b.png", "x.png", "y.png", "z.png"];
    expect(chooseCustomerPrefix({ fileNames, fallback })).toBe("PL_DXB");
  });
  it("breaks ties by the first file", () => {
    expect(chooseCustomerPrefix({ fileNames: ["CD_1.png", "AB_1.png", "AB_2.png", "CD_2.png"], fallback })).toBe("CD");
    expect(chooseCustomerPrefix({ fileNames: ["x.png", "AB_1.png", "CD_2.png"], fallback })).toBe("AB");
  });
  it("falls back to the default when no file carries a prefix", () => {
    expect(chooseCustomerPrefix({ fileNames: ["a.png", "b.jpg"], fallback })).toBe("BATCH");
    expect(chooseCustomerPrefix({ fileNames: [], fallback })).toBe("BATCH");
  });
});

describe("CUSTOMER_PREFIX_PATTERN", () => {
  it.each(["BATCH", "PL_DXB", "A_B_C", "X1", "123"])("accepts %s", (p) => expect(CUSTOMER_PREFIX_PATTERN.test(p)).toBe(true));
  it.each(["pl", "A_B_C_D", "A__B", "_A", "A_", "A-B", "", "Ä"])("refuses %s", (p) => expect(CUSTOMER_PREFIX_PATTERN.test(p)).toBe(false));
});

describe("batch counter", () => {
  let ctx: TestContext;
  afterEach(() => ctx?.cleanup());

  function insert(prefix: string, date: string, counter: number) {
    ctx.db.$client
      .prepare(
        `INSERT INTO batches (id, customer_prefix, batch_date, batch_counter, base_directory_name, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 0, 0)`,
      )
      .run(`${prefix}-${date}-${counter}`, prefix, date, counter, baseDirectoryName(prefix, date, counter));
  }

  it("counts from 1 per prefix per day and continues after the highest", () => {
    ctx = createTestContext();
    const sqlite = ctx.db.$client;
    expect(batchName(sqlite, "PL", "2025-11-05")).toEqual({
      customer_prefix: "PL",
      batch_date: "2025-11-05",
      batch_counter: 1,
      base_directory_name: "PL_2025-11-05_batch-1",
    });
    insert("PL", "2025-11-05", 1);
    insert("PL", "2025-11-05", 4);
    insert("AB", "2025-11-05", 9);
    insert("PL", "2025-11-06", 7);
    expect(batchName(sqlite, "PL", "2025-11-05").base_directory_name).toBe("PL_2025-11-05_batch-5");
    expect(batchName(sqlite, "PL", "2025-11-07").batch_counter).toBe(1);
    expect(batchName(sqlite, "PL_DXB", "2025-11-05").batch_counter).toBe(1);
  });
});

describe("sanitizeFileName", () => {
  it.each([
    ["photo.png", "photo.png"],
    ["../../etc/passwd", "passwd"],
    ["..\\..\\windows\\win.ini", "win.ini"],
    ["/abs/path/a.jpg", "a.jpg"],
    [".hidden.png", "hidden.png"],
    ["...", "file"],
    ["", "file"],
    ["a\u0000b\u001fc\u007f.png", "abc.png"],
    ["evil\u202Egnp.exe", "evilgnp.exe"],
    ["line\nbreak.png", "linebreak.png"],
    ["what?:*.png", "what___.png"],
    ["trailing. . ", "trailing"],
    ["  spaced name.png  ", "spaced name.png"],
    ["Cafe\u0301.png", "Café.png"],
  ])("%j -> %j", (input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });

  it("caps the length and keeps the extension", () => {
    const name = sanitizeFileName(`${"a".repeat(500)}.jpeg`);
    expect([...name]).toHaveLength(180);
    expect(name.endsWith(".jpeg")).toBe(true);
    const emoji = sanitizeFileName(`${"😀".repeat(300)}.png`);
    expect([...emoji]).toHaveLength(180);
    expect(emoji.endsWith(".png")).toBe(true);
  });

  it("never yields a path", () => {
    for (const input of ["a/b", "a\\b", "../..", "./.", "x/../y.png"]) {
      const name = sanitizeFileName(input);
      expect(name).not.toMatch(/[\\/]/);
      expect(name.startsWith(".")).toBe(false);
    }
  });
});

describe("uniqueNames", () => {
  it("numbers repeats, case-insensitively, keeping the first", () => {
    expect(uniqueNames(["a.png", "a.png", "A.PNG", "b", "b", "a (2).png"])).toEqual([
      "a.png",
      "a (2).png",
      "A (3).PNG",
      "b",
      "b (2)",
      "a (2) (2).png",
    ]);
  });
});

describe("sanitizeFileName on hostile lengths", () => {
  it("trims a name made of a long run of dots and spaces in one pass", () => {
    const name = sanitizeFileName(`a${". ".repeat(200_000)}b${" .".repeat(200_000)}`);
    expect(name.startsWith("a. . ")).toBe(true);
    expect([...name].length).toBeLessThanOrEqual(180);
    expect(sanitizeFileName(`${". ".repeat(200_000)}\u3000`)).toBe("file");
  });
});
