import { describe, expect, it } from "vitest";
import { buildManifest, csvCell } from "./manifest";
import { parseCsv } from "@/test/zip";

describe("manifest.csv", () => {
  it.each([
    ["=HYPERLINK(\"http://evil\")", `"'=HYPERLINK(""http://evil"")"`],
    ["+1", "'+1"],
    ["-cmd", "'-cmd"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tx", "'\tx"],
    ["a,b", '"a,b"'],
    ["line\nbreak", '"line\nbreak"'],
    ["bell\u0007.png", "bell.png"],
    ["plain.png", "plain.png"],
  ])("defuses and quotes %j", (input, cell) => {
    expect(csvCell(input)).toBe(cell);
  });

  it("writes numbers as numbers and nulls as empty cells", () => {
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(null)).toBe("");
  });

  it("round-trips through a CSV parser with a BOM and CRLF line ends", () => {
    const row = { source_file: 'a "quoted", name.png', pipeline: "Web", output_name: "a.png", status: "completed", input_size: 10, output_size: 5, width: 8, height: 6, error: "" };
    const text = buildManifest([row]).toString("utf8");
    expect(text.startsWith("\ufeffsource_file,pipeline,output_name,status,input_size,output_size,width,height,error\r\n")).toBe(true);
    expect(parseCsv(text)).toEqual([{ ...row, input_size: "10", output_size: "5", width: "8", height: "6" }]);
  });
});
