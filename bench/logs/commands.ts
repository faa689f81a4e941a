// The remote commands of the logs benchmark, as data (lib/ssh/command.ts quotes them), and the
// wall clock both ends read: the test hosts are chroots on this machine, so the host's
// time.time_ns() and this process's clock are the same clock.
import { performance } from "node:perf_hooks";
import type { RemoteCommand } from "../../lib/ssh";

/** Prints `tick <i> <epoch ns>` lines at a steady pace, each flushed as it is printed. */
const TICKS = `
import sys, time
n, gap = int(sys.argv[1]), float(sys.argv[2])
for i in range(1, n + 1):
    sys.stdout.write("tick %d %d\\n" % (i, time.time_ns()))
    sys.stdout.flush()
    time.sleep(gap)
`;

export function ticksCommand(lines: number, gapMs: number): RemoteCommand {
  return { program: "python3", args: ["-c", TICKS, String(lines), String(gapMs / 1000)], timeoutMs: 600_000 };
}

export const FLOOD_TEXT = "of the flood: a line of build output, about as long as a compiler's";

/** `start <epoch ns>`, then lines 2..n as fast as the host can print them (seq, fully buffered). */
export function floodCommand(lines: number): RemoteCommand {
  return {
    program: "sh",
    args: [
      "-c",
      `echo "start $(date +%s%N)"; exec seq -f "line %07.0f ${FLOOD_TEXT}" 2 "$1"`,
      "flood",
      String(lines),
    ],
    timeoutMs: 600_000,
  };
}

/** The flood's line `seq` as the host prints it. */
export function floodLine(seq: number): string {
  return `line ${String(seq).padStart(7, "0")} ${FLOOD_TEXT}`;
}

/** Epoch ms from a `tick`/`start` line's nanoseconds. */
export function nsToMs(ns: string): number {
  return Number(BigInt(ns) / 1000n) / 1000;
}

let offset: number | undefined;

/** Wall-clock epoch ms with sub-ms resolution: performance.now() lined up with Date.now() once. */
export function wallMs(): number {
  if (offset === undefined) {
    // Wait for Date.now() to tick: at that instant its value is exact to a few microseconds.
    const start = Date.now();
    let now = start;
    while (now === start) now = Date.now();
    offset = now - performance.now();
  }
  return offset + performance.now();
}
