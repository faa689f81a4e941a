import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseFacts } from "@/lib/hosts/facts";

const recorded = (name: string) =>
  readFileSync(new URL(`../fixtures/recorded/${name}`, import.meta.url), "utf8").split("\n");

describe("host facts parser", () => {
  it("reads a real Debian 12 machine's output (recorded)", () => {
    const facts = parseFacts(recorded("facts-debian12-vm.txt"));
    expect(facts).toMatchObject({
      os: "Debian GNU/Linux 12 (bookworm)",
      osId: "debian",
      osVersion: "12",
      arch: "x86_64",
      cpuCores: 2,
      memoryKiB: 24683620,
      python3: "3.11.7",
      systemd: false,
      gpus: [],
    });
    expect(facts.diskFreeKiB).toBeGreaterThan(0);
  });

  it("reads one line per GPU in nvidia-smi's csv,noheader,nounits shape", () => {
    const lines = [
      "os=Ubuntu 22.04.4 LTS",
      "gpu=NVIDIA H100 80GB HBM3, 81559, 550.54.15",
      "gpu=NVIDIA H100 80GB HBM3, 81559, 550.54.15",
      "facts=done",
    ];
    const facts = parseFacts(lines);
    expect(facts.gpus).toEqual([
      { name: "NVIDIA H100 80GB HBM3", memoryMiB: 81559, driver: "550.54.15" },
      { name: "NVIDIA H100 80GB HBM3", memoryMiB: 81559, driver: "550.54.15" },
    ]);
  });

  it("treats missing values as unknown rather than guessing", () => {
    const facts = parseFacts(["os=", "cpu_cores=", "memory_kib=abc", "python3=none", "facts=done"]);
    expect(facts).toMatchObject({ os: "unknown", cpuCores: null, memoryKiB: null, python3: null });
  });

  it("rejects output from a script that did not finish", () => {
    expect(() => parseFacts(recorded("facts-debian12-vm.txt").filter((l) => l !== "facts=done"))).toThrow(
      /did not finish/,
    );
  });
});
