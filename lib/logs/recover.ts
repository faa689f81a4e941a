import type { Redis } from "ioredis";
import type { PrismaClient } from "../generated/prisma/client";
import { decodeLogEntry, logStreamKey, type TLogLine } from "./line";

/**
 * Lines a worker published to Redis but did not live to write to PostgreSQL (it was killed between
 * two batches): copied into PostgreSQL before the log goes on, so the stored sequence has no gap.
 * Returns how many lines were recovered.
 */
export async function recoverUnpersistedLines(
  redis: Redis,
  db: PrismaClient,
  operationId: string,
  persisted: number,
): Promise<number> {
  const entries = await redis.xrange(logStreamKey(operationId), `${persisted + 1}-0`, "+");
  const lines: TLogLine[] = [];
  for (const [id, fields] of entries) {
    const entry = decodeLogEntry(id, fields);
    if (entry?.type !== "lines") continue;
    for (const [k, json] of entry.json.entries()) {
      if (entry.first + k <= persisted) continue;
      lines.push(JSON.parse(json) as TLogLine);
    }
  }
  if (lines.length === 0) return 0;
  const last = lines[lines.length - 1] as TLogLine;
  await db.$transaction([
    db.logLine.createMany({
      data: lines.map((l) => ({
        operationId,
        seq: l.seq,
        stream: l.stream,
        text: l.text,
        at: new Date(l.at),
        stage: l.stage ?? null,
      })),
      skipDuplicates: true,
    }),
    db.operation.update({ where: { id: operationId }, data: { lineCount: last.seq } }),
  ]);
  return lines.length;
}
