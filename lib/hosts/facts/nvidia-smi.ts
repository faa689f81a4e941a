import type { HostGpu } from "./schema";
import { GPU_QUERY_FIELDS } from "./script";

/** A whole number of MiB from "81559", "81559 MiB" or "81559MiB"; null for "[N/A]" and the like. */
function mib(value: string | undefined): number | null {
  const match = value?.trim().match(/^(\d+)\s*(?:MiB)?$/);
  return match?.[1] ? Number(match[1]) : null;
}

function text(value: string | undefined): string | null {
  const trimmed = value?.trim();
  // nvidia-smi writes "[N/A]" or "[Not Supported]" for what a card cannot tell.
  return trimmed && !/^\[.*\]$|^N\/A$/.test(trimmed) ? trimmed : null;
}

export interface GpuQueryRow extends HostGpu {
  driver: string | null;
}

/**
 * Rows of `nvidia-smi --query-gpu=... --format=csv[,noheader][,nounits]`. With a header line the
 * columns are found by name (units in brackets are dropped); without one they are `fields`, by
 * default the script's own query. A line that does not fit (an error message) is skipped.
 */
export function parseGpuQueryCsv(
  lines: readonly string[],
  fields: readonly string[] = GPU_QUERY_FIELDS,
): GpuQueryRow[] {
  const rows = lines.map((l) => l.trim()).filter((l) => l !== "");
  let columns = [...fields];
  const first = rows[0]?.split(",").map((c) => c.trim().replace(/\s*\[.*\]$/, ""));
  if (first?.includes("name") && (first.includes("memory.total") || first.includes("index"))) {
    columns = first;
    rows.shift();
  }
  const at = (cells: string[], field: string) => {
    const i = columns.indexOf(field);
    return i >= 0 ? cells[i] : undefined;
  };
  const gpus: GpuQueryRow[] = [];
  for (const row of rows) {
    const cells = row.split(",").map((c) => c.trim());
    const name = text(at(cells, "name"));
    const memory = at(cells, "memory.total");
    // An error line ("NVIDIA-SMI has failed ...") has no memory column that reads as a number;
    // missing trailing columns (an older script's shorter query) are only unknown.
    if (!name || mib(memory) === null) continue;
    const index = at(cells, "index");
    gpus.push({
      index: index !== undefined && /^\d+$/.test(index) ? Number(index) : gpus.length,
      name,
      memoryMiB: mib(memory),
      busId: text(at(cells, "pci.bus_id")),
      driver: text(at(cells, "driver_version")),
    });
  }
  return gpus;
}

export interface NvidiaSmiSummary {
  driver: string | null;
  cuda: string | null;
  gpus: HostGpu[];
}

const VERSIONS = /Driver Version\s*:\s*([\w.-]+)(?:.*?CUDA Version\s*:\s*([\d.]+))?/;
const CUDA = /CUDA Version\s*:\s*([\d.]+)/;
// "|   0  NVIDIA H100 80GB HBM3          On  |   00000000:18:00.0 Off |" (and the older, narrower
// "|   0  Tesla V100-SXM2...  On   | 00000000:06:00.0 Off |"); the last word is persistence mode.
const GPU_ROW = /^\|\s*(\d+)\s+(.*?\S)\s+\S+\s*\|\s*([0-9A-Fa-f]+:[0-9A-Fa-f]+:[0-9A-Fa-f]+\.[0-9A-Fa-f])\s/;
const MEMORY = /(\d+)\s*MiB\s*\/\s*(\d+)\s*MiB/;

/**
 * The plain `nvidia-smi` summary table (any driver since about 2014) or `nvidia-smi -q`: driver
 * and CUDA version from the header, and for the table one GPU per row with its total memory.
 */
export function parseNvidiaSmiSummary(lines: readonly string[]): NvidiaSmiSummary {
  let driver: string | null = null;
  let cuda: string | null = null;
  const gpus: HostGpu[] = [];
  let awaitingMemory: HostGpu | undefined;
  for (const line of lines) {
    if (/Processes:|MIG devices:/.test(line)) break;
    const versions: RegExpMatchArray | null = driver === null ? line.match(VERSIONS) : null;
    if (versions) {
      driver = versions[1] ?? null;
      cuda = versions[2] ?? cuda;
      continue;
    }
    const cudaOnly: RegExpMatchArray | null = cuda === null ? line.match(CUDA) : null;
    if (cudaOnly) cuda = cudaOnly[1] ?? null;
    const row = line.match(GPU_ROW);
    if (row) {
      awaitingMemory = { index: Number(row[1]), name: row[2] ?? "", memoryMiB: null, busId: row[3] ?? null };
      gpus.push(awaitingMemory);
      continue;
    }
    const memory = awaitingMemory ? line.match(MEMORY) : null;
    if (memory && awaitingMemory) {
      awaitingMemory.memoryMiB = Number(memory[2]);
      awaitingMemory = undefined;
    }
  }
  return { driver, cuda, gpus };
}
