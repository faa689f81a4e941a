import { describe, expect, it } from "vitest";
import { lineJson } from "@/lib/logs/line";
import { chunkPatterns, snippet } from "@/lib/logs/search";

// The patterns are PostgreSQL's (ILIKE and ~*); these checks run their JavaScript equivalents on a
// chunk's JSON: LIKE's % and _ with \ escapes, and the same regular expression with the i flag.
function likeMatches(pattern: string, text: string): boolean {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "\\") source += (pattern[++i] as string).replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
    else if (c === "%") source += "[\\s\\S]*";
    else if (c === "_") source += "[\\s\\S]";
    else source += c.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "i").test(text);
}

const chunkOf = (lines: { text: string; stage?: string }[]) =>
  lines
    .map((l, i) => lineJson({ seq: 4000 + i, stream: "stdout", at: "2026-12-01T10:00:00.000Z", ...l }))
    .join(",");

function found(term: string, chunk: string): boolean {
  const { like, regex } = chunkPatterns(term);
  return likeMatches(like, chunk) && new RegExp(regex, "i").test(chunk);
}

describe("log search patterns", () => {
  it("find the term in a line's text in any case", () => {
    const chunk = chunkOf([{ text: "Loading" }, { text: "torch.OutOfMemoryError: CUDA out of memory" }]);
    expect(found("cuda OUT of memory", chunk)).toBe(true);
    expect(found("out of disk", chunk)).toBe(false);
  });

  it("do not find it in a line number, a time or a stage name", () => {
    const chunk = chunkOf([{ text: "ready", stage: "install" }]);
    expect(found("4000", chunk)).toBe(false);
    expect(found("10:00", chunk)).toBe(false);
    expect(found("install", chunk)).toBe(false);
    expect(found("stdout", chunk)).toBe(false);
  });

  it("treat wildcards, quotes and backslashes as plain text", () => {
    const chunk = chunkOf([{ text: 'progress 50%_(a.b) "C:\\tmp"' }]);
    expect(found('50%_(a.b) "C:\\tmp"', chunk)).toBe(true);
    expect(found("50x", chunkOf([{ text: "50%" }]))).toBe(false);
    expect(found("a_b", chunkOf([{ text: "axb" }]))).toBe(false);
    expect(found("a.b", chunkOf([{ text: "axb" }]))).toBe(false);
    expect(found('"C:\\tmp"', chunkOf([{ text: "C:tmp" }]))).toBe(false);
  });

  it("do not match across the end of one line's text into the next line", () => {
    const chunk = chunkOf([{ text: "alpha" }, { text: "beta" }]);
    expect(found('alpha","at', chunk)).toBe(false);
  });
});

describe("snippet", () => {
  it("keeps a short line whole", () => {
    expect(snippet("short line with the term", "term")).toBe("short line with the term");
  });

  it("cuts a long line around the match, with ellipses where it was cut", () => {
    const text = `${"a".repeat(300)}NEEDLE${"b".repeat(300)}`;
    const cut = snippet(text, "needle");
    expect(cut).toContain("NEEDLE");
    expect(cut.startsWith("…")).toBe(true);
    expect(cut.endsWith("…")).toBe(true);
    expect(cut.length).toBe(160 + 2);
  });

  it("keeps the start of a long line when the match is near it", () => {
    const cut = snippet(`NEEDLE${"b".repeat(300)}`, "needle");
    expect(cut.startsWith("NEEDLE")).toBe(true);
    expect(cut.endsWith("…")).toBe(true);
  });
});
