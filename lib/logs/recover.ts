import type { Redis } from "ioredis";
import { pgPool } from "../pg-pool";
import { decodeLogEntry, logStreamKey, splitLineJson } from "./line";
import { storeLogChunk, type TLogRowsPool } from "./writer";

/**
 * Lines a worker published to Redis but did not live to write to PostgreSQL (it was killed between
 * two batches): stored as one chunk before the log goes on, so the stored sequence has no gap.
 * Returns how many lines were recovered.
 */
export async function recoverUnpersistedLines(
  redis: Redis,
  operationId: string,
  persisted: number,
  pool: TLogRowsPool = pgPool(),
  runToken?: string,
): Promise<number> {
  const entries = await redis.xrange(logStreamKey(operationId), `${persisted + 1}-0`, "+");
  const bodies: string[] = [];
  let next = persisted + 1;
  for (const [id, fields] of entries) {
    const entry = decodeLogEntry(id, fields);
    if (entry?.type !== "lines") continue;
    // The entry holding the first missing line may also hold stored ones: those are dropped.
    const skip = next - entry.first;
    if (skip < 0 || skip >= entry.count) break;
    bodies.push(skip === 0 ? entry.body : splitLineJson(entry.body).slice(skip).join(","));
    next = entry.first + entry.count;
  }
  const count = next - persisted - 1;
  if (count === 0) return 0;
  await storeLogChunk(pool, operationId, persisted + 1, count, bodies.join(","), runToken ?? null);
  return count;
}
