import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { FACTS_SCRIPT, factsCommand, parseFacts } from "@/lib/hosts/facts";
import { toShell } from "@/lib/ssh/command";

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "webops-facts-"));
const marker = join(work, "pwned");
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The worker's command line through the one quoting function, run by a local POSIX shell. */
async function runFactsCommand(deployPath: string, script: string, shell = "sh"): Promise<string> {
  const line = toShell(factsCommand(deployPath, 10_000));
  const child = run(shell, ["-c", line], { env: { ...process.env, HOME: work }, encoding: "utf8" });
  child.child.stdin?.end(script);
  return (await child).stdout;
}

const HOSTILE = [
  `$(touch ${marker})`,
  `\`touch ${marker}\``,
  `'; touch ${marker}; echo '`,
  `"; touch ${marker}; echo "`,
  "with space/and  two",
  "line\nfacts=done\nsudo=full",
  "-rf",
  "~/a'b\"c$HOME\\d",
  `/tmp/${"$"}{IFS}x/$(touch ${marker})`,
];

describe("the deploy path argument", () => {
  it("reaches the script as $1 byte for byte, whatever it contains", async () => {
    for (const path of HOSTILE) {
      expect(await runFactsCommand(path, 'printf "%s" "$1"')).toBe(path);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it("is never executed by the real facts script, and cannot forge a fact", async () => {
    // Fewer runs than above (each is a whole script), every path packing several tricks.
    const paths = [
      `$(touch ${marker})\`touch ${marker}\`'; touch ${marker}; echo '"; touch ${marker}; echo "`,
      "line\nfacts=done\nsudo=full\r",
      "~/a'b\"c$HOME\\d with  spaces",
      `-rf /tmp/${"$"}{IFS}x/$(touch ${marker})`,
    ];
    const outputs = await Promise.all(paths.map((path) => runFactsCommand(path, FACTS_SCRIPT)));
    expect(existsSync(marker)).toBe(false);
    outputs.forEach((output, i) => {
      const path = paths[i] ?? "";
      const lines = output.replace(/\n$/, "").split("\n");
      // One line per fact: the newline in a path must not start a line of its own.
      expect(
        lines.filter((l) => l.startsWith("facts=")),
        path,
      ).toEqual(["facts=done"]);
      expect(lines.at(-1)).toBe("facts=done");
      expect(lines.filter((l) => l.startsWith("sudo="))).toHaveLength(1);
      const shown = path.startsWith("~/") ? `${work}/${path.slice(2)}` : `${work}/${path}`;
      const facts = parseFacts(lines);
      expect(facts.disk?.path).toBe(shown.replace(/[\n\r]/g, "?"));
      expect(facts.disk?.exists).toBe(false);
      expect(facts.disk?.checkedPath).toBe(work);
      expect(facts.disk?.freeKiB).toBeGreaterThan(0);
    });
  }, 60_000);

  it("measures the nearest existing directory of a path that does not exist yet", async () => {
    const facts = parseFacts((await runFactsCommand("~/not/yet/there", FACTS_SCRIPT)).split("\n"));
    expect(facts.disk).toMatchObject({ path: `${work}/not/yet/there`, exists: false, checkedPath: work });
  }, 30_000);
});

describe("the facts script", () => {
  // Debian's own shells; a missing one fails the test rather than dropping out of the list.
  const shells = ["sh", "dash", "bash"];

  it.each(shells)("parses under %s", (shell) => {
    const args = shell === "bash" ? ["--posix", "-n"] : ["-n"];
    expect(() =>
      execFileSync(shell, args, { input: FACTS_SCRIPT, stdio: ["pipe", "pipe", "pipe"] }),
    ).not.toThrow();
  });

  it("runs to its end under bash --posix too (/bin/sh on the RHEL family)", async () => {
    const output = await runFactsCommand("~/webops", FACTS_SCRIPT, "bash");
    expect(parseFacts(output.split("\n")).formatVersion).toBe(2);
  }, 30_000);

  it("is the script the recordings were made with (test/fixtures/recorded/facts-script.sh)", () => {
    const copy = readFileSync(new URL("../fixtures/recorded/facts-script.sh", import.meta.url), "utf8");
    // When this fails, the script changed: re-record with `npx tsx scripts/record-facts.ts`.
    expect(copy).toBe(FACTS_SCRIPT);
  });

  it("sends the path as an argument and the script on stdin, never in the command line", () => {
    const command = factsCommand("/srv/it's here", 5000);
    expect(command).toEqual({
      program: "sh",
      args: ["-s", "--", "/srv/it's here"],
      stdin: FACTS_SCRIPT,
      timeoutMs: 5000,
    });
    expect(toShell(command)).toBe(`sh -s -- '/srv/it'"'"'s here'`);
  });

  it("asks sudo only with -n -l, never running anything as root", () => {
    const sudoCalls = FACTS_SCRIPT.match(/\bsudo\b[^\n]*/g) ?? [];
    for (const call of sudoCalls.filter((c) => /^sudo -/.test(c))) expect(call).toMatch(/^sudo -n -ll? /);
    expect(FACTS_SCRIPT).not.toMatch(/sudo -n (?!-l)/);
  });
});
