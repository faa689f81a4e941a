import { pgPool } from "../pg-pool";
import { parseLineJson, splitLineJson, type TLogLine } from "./line";
import type { TLogRowsPool } from "./writer";

/** Consecutive stored lines `first .. first + count - 1` as their body (`joinLineJson`), as stored. */
export interface TStoredRun {
  first: number;
  count: number;
  body: string;
}

interface ChunkRow {
  firstSeq: number;
  lastSeq: number;
  lines: string;
}

/**
 * The chunks holding lines `afterSeq + 1 .. afterSeq + limit`. Chunks are contiguous, so those are
 * the ones that end after `afterSeq` and start by the last line asked for (the primary key's order).
 */
async function chunksAfter(
  pool: TLogRowsPool,
  operationId: string,
  afterSeq: number,
  limit: number,
): Promise<ChunkRow[]> {
  const { rows } = await pool.query(
    `SELECT "firstSeq", "lastSeq", lines FROM "LogChunk"
     WHERE "operationId" = $1 AND "lastSeq" > $2 AND "firstSeq" <= $2::int + $3::int
     ORDER BY "lastSeq"`,
    [operationId, afterSeq, limit],
  );
  return rows as ChunkRow[];
}

/** A chunk's lines after `afterSeq` and up to `upTo`; split only when it is cut. */
function cut(chunk: ChunkRow, afterSeq: number, upTo: number): TStoredRun {
  if (chunk.firstSeq > afterSeq && chunk.lastSeq <= upTo)
    return { first: chunk.firstSeq, count: chunk.lastSeq - chunk.firstSeq + 1, body: chunk.lines };
  const json = splitLineJson(chunk.lines);
  const from = Math.max(0, afterSeq + 1 - chunk.firstSeq);
  const kept = json.slice(from, Math.min(json.length, upTo - chunk.firstSeq + 1));
  return { first: chunk.firstSeq + from, count: kept.length, body: kept.join(",") };
}

/** At most `limit` stored lines after `afterSeq`, in seq order, as runs (one per stored chunk). */
export async function readStoredRuns(
  operationId: string,
  afterSeq: number,
  limit: number,
  pool: TLogRowsPool = pgPool(),
): Promise<TStoredRun[]> {
  const chunks = await chunksAfter(pool, operationId, afterSeq, limit);
  return chunks.map((c) => cut(c, afterSeq, afterSeq + limit)).filter((r) => r.count > 0);
}

/** A page of an operation's stored log, in seq order after `afterSeq`. */
export async function readStoredLines(
  operationId: string,
  afterSeq: number,
  limit: number,
): Promise<TLogLine[]> {
  const runs = await readStoredRuns(operationId, afterSeq, limit);
  return runs.flatMap((r) => parseLineJson(r.body));
}

/**
 * A page as one JSON document, `{"lines":[...],"lastSeq":N,"more":bool}`, built from the stored
 * bodies without parsing them.
 */
export async function storedLinesJson(operationId: string, afterSeq: number, limit: number): Promise<string> {
  const runs = await readStoredRuns(operationId, afterSeq, limit);
  const last = runs.at(-1);
  const lastSeq = last ? last.first + last.count - 1 : afterSeq;
  return `{"lines":[${runs.map((r) => r.body).join(",")}],"lastSeq":${lastSeq},"more":${lastSeq === afterSeq + limit}}`;
}
