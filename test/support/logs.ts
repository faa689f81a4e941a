import type { TLogLine } from "@/lib/logs/line";
import { joinLineJson, lineJson } from "@/lib/logs/line";
import { readStoredLines } from "@/lib/logs/stored";
import { storeLogChunk } from "@/lib/logs/writer";
import { pgPool } from "@/lib/pg-pool";

/** Every stored line of an operation, in seq order (parsed from its chunks). */
export function storedLines(operationId: string): Promise<TLogLine[]> {
  return readStoredLines(operationId, 0, 1_000_000_000);
}

/**
 * Stores lines 1..n for an operation whose log is empty (lineCount 0), as the writer would: chunks
 * of `chunkSize` lines. Lines must be numbered 1..n in order.
 */
export async function storeLines(operationId: string, lines: readonly TLogLine[], chunkSize = 5000) {
  for (let from = 0; from < lines.length; from += chunkSize) {
    const part = lines.slice(from, from + chunkSize);
    await storeLogChunk(pgPool(), operationId, from + 1, part.length, joinLineJson(part.map(lineJson)));
  }
}
