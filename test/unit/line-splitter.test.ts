import { describe, expect, it } from "vitest";
import { lineSplitter } from "@/lib/ssh/connection";

function split(chunks: Buffer[]): string[] {
  const lines: string[] = [];
  const splitter = lineSplitter((l) => lines.push(l));
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return lines;
}

describe("output line splitting", () => {
  it("joins lines broken across chunks and keeps a final unterminated line", () => {
    expect(split([Buffer.from("fir"), Buffer.from("st\nsec"), Buffer.from("ond\nthird")])).toEqual([
      "first",
      "second",
      "third",
    ]);
  });

  it("decodes a UTF-8 character split between two chunks", () => {
    const bytes = Buffer.from("café ✓\n");
    expect(split([bytes.subarray(0, 4), bytes.subarray(4, 8), bytes.subarray(8)])).toEqual(["café ✓"]);
  });

  it("drops the carriage return of CRLF line ends and keeps empty lines", () => {
    expect(split([Buffer.from("a\r\n\r\nb\n")])).toEqual(["a", "", "b"]);
  });
});
