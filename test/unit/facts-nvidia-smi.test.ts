import { describe, expect, it } from "vitest";
import { parseFacts, parseGpuQueryCsv, parseNvidiaSmiSummary } from "@/lib/hosts/facts";
import { recorded } from "../fixtures/recorded/read";

/** The fixture without its first line, which names where the output comes from. */
const published = (name: string) => {
  const [source, ...lines] = recorded(name);
  expect(source).toMatch(/^# Source: https:\/\/github\.com\//);
  return lines;
};

/**
 * The facts lines the script makes of a summary table (`sed -e '/Processes:/,$d' -e
 * 's/^/nvidia_smi_out=/'`), inside the real H100 recording in place of that machine's own GPU lines.
 * These machines' `--query-gpu` output is not public, so there are no gpu= lines: the parser reads
 * the table, as it does when the query gives nothing usable.
 */
function factsWithTable(table: readonly string[]): string[] {
  const end = table.findIndex((l) => l.includes("Processes:"));
  const tableLines = (end < 0 ? table : table.slice(0, end)).map((l) => `nvidia_smi_out=${l}`);
  const h100 = recorded("facts-h100.txt").filter((l) => !/^(gpu|nvidia_smi_out)=/.test(l));
  const at = h100.findIndex((l) => l.startsWith("nvidia_smi="));
  return [...h100.slice(0, at + 1), ...tableLines, ...h100.slice(at + 1)];
}

describe("nvidia-smi on multi-GPU machines (published outputs)", () => {
  it.each([
    ["nvidia-smi-8x-h100-565.txt", 8, "NVIDIA H100 80GB HBM3", 81559, "565.57.01", "12.7"],
    ["nvidia-smi-10x-a40-550.txt", 10, "NVIDIA A40", 46068, "550.127.05", "12.4"],
    // The 410 driver's narrower table cuts long names short, as printed.
    ["nvidia-smi-8x-v100-410.txt", 8, "Tesla V100-SXM2...", 32480, "410.104", "10.0"],
  ])(
    "%s: %i GPUs, names, memory, driver and CUDA through parseFacts",
    (file, count, name, memoryMiB, driver, cuda) => {
      const facts = parseFacts(factsWithTable(published(file)));
      expect(facts.gpus).toHaveLength(count);
      expect(facts.gpus.map((g) => g.index)).toEqual([...Array(count).keys()]);
      for (const gpu of facts.gpus) expect(gpu).toMatchObject({ name, memoryMiB });
      expect(facts.nvidia).toMatchObject({ driver, cuda, error: null });
    },
  );

  it("keeps each GPU's PCI bus id in order (8x H100)", () => {
    const { gpus } = parseNvidiaSmiSummary(published("nvidia-smi-8x-h100-565.txt"));
    expect(gpus.map((g) => g.busId)).toEqual([
      "00000000:18:00.0",
      "00000000:2A:00.0",
      "00000000:3A:00.0",
      "00000000:5D:00.0",
      "00000000:9A:00.0",
      "00000000:AB:00.0",
      "00000000:BA:00.0",
      "00000000:DB:00.0",
    ]);
  });

  it("does not mistake the process list for GPUs (8x V100 with processes running)", () => {
    const { gpus } = parseNvidiaSmiSummary(published("nvidia-smi-8x-v100-410.txt"));
    expect(gpus).toHaveLength(8);
    expect(gpus.every((g) => g.memoryMiB === 32480)).toBe(true);
  });
});

describe("nvidia-smi on the real H100 (recorded)", () => {
  const gpu = { index: 0, name: "NVIDIA H100 80GB HBM3", memoryMiB: 81559, busId: "00000000:00:06.0" };

  it("reads the script's exact --query-gpu output", () => {
    expect(parseGpuQueryCsv(recorded("nvidia-smi-h100-query.txt"))).toEqual([
      { ...gpu, driver: "580.159.04" },
    ]);
  });

  it("reads the same query with a header and units (--format=csv)", () => {
    expect(parseGpuQueryCsv(recorded("nvidia-smi-h100-query-header.txt"))).toEqual([
      { ...gpu, driver: "580.159.04" },
    ]);
  });

  it("reads driver, CUDA and the GPU from the summary table", () => {
    expect(parseNvidiaSmiSummary(recorded("nvidia-smi-h100-table.txt"))).toEqual({
      driver: "580.159.04",
      cuda: "13.0",
      gpus: [gpu],
    });
  });

  it("reads driver and CUDA from nvidia-smi -q as well", () => {
    expect(parseNvidiaSmiSummary(recorded("nvidia-smi-h100-q.txt"))).toMatchObject({
      driver: "580.159.04",
      cuda: "13.0",
    });
  });

  it("matches what the facts script reported on the same machine", () => {
    const facts = parseFacts(recorded("facts-h100.txt"));
    expect(facts.gpus).toEqual([gpu]);
    expect(facts.nvidia).toMatchObject({ driver: "580.159.04", cuda: "13.0" });
  });
});

describe("nvidia-smi output that is short or not a GPU list", () => {
  it("reads a row with fewer columns than the query, leaving the missing ones unknown", () => {
    expect(parseGpuQueryCsv(["Tesla T4, 15360, 535.104.05"])).toEqual([
      { index: 0, name: "Tesla T4", memoryMiB: 15360, driver: "535.104.05", busId: null },
    ]);
  });

  it("skips error lines and empty output", () => {
    expect(
      parseGpuQueryCsv([
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
        "",
      ]),
    ).toEqual([]);
    expect(parseNvidiaSmiSummary(["No devices were found"])).toEqual({ driver: null, cuda: null, gpus: [] });
  });
});
