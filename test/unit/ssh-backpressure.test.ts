import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { pauseWhileBusy } from "@/lib/ssh/connection";

const tick = () => new Promise((r) => setImmediate(r));
/** What one stream delivered, however its writes were cut into chunks. */
const text = (seen: string[], stream: "out" | "err") =>
  seen
    .filter((s) => s.startsWith(`${stream}:`))
    .map((s) => s.slice(4))
    .join("");

/** Two flowing streams (a channel's stdout and stderr) whose chunks are recorded in arrival order. */
function channel(busy: () => Promise<void> | undefined) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const seen: string[] = [];
  const check = pauseWhileBusy([stdout, stderr], busy);
  stdout.on("data", (chunk: Buffer) => {
    seen.push(`out:${chunk}`);
    check();
  });
  stderr.on("data", (chunk: Buffer) => {
    seen.push(`err:${chunk}`);
    check();
  });
  return { stdout, stderr, seen };
}

function gate() {
  let open!: () => void;
  let fail!: (err: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe("SSH output backpressure: the channel pauses while the log writer is busy", () => {
  it("never pauses while the writer asks for nothing", async () => {
    let asked = 0;
    const { stdout, stderr, seen } = channel(() => {
      asked += 1;
      return undefined;
    });
    stdout.write("a");
    stderr.write("b");
    stdout.write("c");
    await tick();
    expect(seen).toEqual(["out:a", "err:b", "out:c"]);
    expect(asked).toBe(3);
    expect(stdout.isPaused() || stderr.isPaused()).toBe(false);
  });

  it("pauses stdout and stderr until the promise settles, then delivers what waited, in order", async () => {
    const wait = gate();
    let asked = 0;
    const { stdout, stderr, seen } = channel(() => {
      asked += 1;
      return asked === 1 ? wait.promise : undefined;
    });
    stdout.write("1");
    await tick();
    expect(seen).toEqual(["out:1"]);
    expect(stdout.isPaused() && stderr.isPaused()).toBe(true);
    stdout.write("2");
    stderr.write("e1");
    stdout.write("3");
    await tick();
    // Held in the streams (so ssh2 stops widening the window), not delivered, not asked about.
    expect(seen).toEqual(["out:1"]);
    expect(asked).toBe(1);
    wait.open();
    await tick();
    await tick();
    expect(seen[0]).toBe("out:1");
    expect(text(seen, "out")).toBe("123");
    expect(text(seen, "err")).toBe("e1");
    expect(stdout.isPaused() || stderr.isPaused()).toBe(false);
  });

  it("resumes when the promise rejects (the writer reports its failure elsewhere)", async () => {
    const wait = gate();
    let first = true;
    const { stdout, seen } = channel(() => {
      if (!first) return undefined;
      first = false;
      return wait.promise;
    });
    stdout.write("x");
    await tick();
    stdout.write("y");
    await tick();
    expect(seen).toEqual(["out:x"]);
    wait.fail(new Error("PostgreSQL is down"));
    await tick();
    await tick();
    expect(text(seen, "out")).toBe("xy");
    expect(stdout.isPaused()).toBe(false);
  });

  it("pauses again each time the writer is busy again", async () => {
    const gates = [gate(), gate()];
    let asked = 0;
    const { stdout, seen } = channel(() => gates[asked++]?.promise);
    stdout.write("a");
    await tick();
    stdout.write("b");
    await tick();
    expect(seen).toEqual(["out:a"]);
    gates[0]?.open();
    await tick();
    await tick();
    expect(text(seen, "out")).toBe("ab");
    expect(stdout.isPaused()).toBe(true);
    stdout.write("c");
    await tick();
    expect(text(seen, "out")).toBe("ab");
    gates[1]?.open();
    await tick();
    await tick();
    expect(text(seen, "out")).toBe("abc");
  });
});
