import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { quote, toShell } from "@/lib/ssh/command";

/** Runs a shell line with a real POSIX shell and returns the argv it produced, NUL-separated. */
function argvSeenByShell(line: string): string[] {
  const out = execFileSync("sh", ["-c", `${line}`], { encoding: "utf8" });
  return out.split("\0").slice(0, -1);
}

const HOSTILE = [
  "; rm -rf /",
  "$(id)",
  "`id`",
  "a'b",
  `"quoted" and 'single'`,
  "line\nbreak",
  "tab\there",
  "$HOME",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal shell parameter expansion is the point
  "${IFS}",
  "&& echo pwned",
  "| cat /etc/passwd",
  "> /tmp/x",
  "-rf",
  "*",
  "~",
  "",
  " leading space",
  "ünïcødé ✓",
  "\\backslash\\",
  "!history",
];

// A seeded generator keeps the property test repeatable.
function* randomStrings(count: number, seed = 7): Generator<string> {
  const alphabet = ` abc'"\`$(){}[];|&<>*?~!#\\\n\t-=:/.%@^é`;
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state;
  };
  for (let i = 0; i < count; i++) {
    const length = next() % 24;
    let s = "";
    for (let j = 0; j < length; j++) s += alphabet[next() % alphabet.length];
    yield s;
  }
}

describe("remote command quoting", () => {
  it("leaves plain words readable", () => {
    expect(quote("apt-get")).toBe("apt-get");
    expect(quote("/usr/bin/python3")).toBe("/usr/bin/python3");
    expect(toShell({ program: "sh", args: ["-s"] })).toBe("sh -s");
  });

  it("passes every hostile argument to the program unchanged, never to the shell", () => {
    const line = toShell({ program: "printf", args: ["%s\\0", ...HOSTILE] });
    expect(argvSeenByShell(line)).toEqual(HOSTILE);
  });

  it("holds for 500 random strings of shell metacharacters", () => {
    const args = [...randomStrings(500)];
    const line = toShell({ program: "printf", args: ["%s\\0", ...args] });
    expect(argvSeenByShell(line)).toEqual(args);
  });

  it("quotes environment values and rejects invalid variable names", () => {
    const line = toShell({ program: "sh", args: ["-c", 'printf "%s\\0" "$X"'], env: { X: "$(id); `id`" } });
    expect(argvSeenByShell(line)).toEqual(["$(id); `id`"]);
    expect(() => toShell({ program: "true", args: [], env: { "A;B": "1" } })).toThrow(
      /Invalid environment variable name/,
    );
  });

  it("refuses NUL bytes, which no argv can carry", () => {
    expect(() => quote("a\0b")).toThrow(/NUL/);
  });
});
