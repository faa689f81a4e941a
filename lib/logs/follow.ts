import type { Redis } from "ioredis";
import type { PrismaClient } from "../generated/prisma/client";
import {
  isFinalStatus,
  logStreamKey,
  seqOfEntryId,
  type TLogEvent,
  type TLogLine,
  ZLogStreamSchema,
  ZOperationStatusSchema,
} from "./line";

interface FollowOptions {
  operationId: string;
  /** Resume after this line number (0: from the start). */
  afterSeq: number;
  signal: AbortSignal;
  db: PrismaClient;
  /** A connection of its own: XREAD BLOCK holds it, and aborting disconnects it. */
  openReader: () => Redis;
  heartbeatMs?: number;
}

export type TFollowEvent = TLogEvent | { type: "heartbeat" };

async function storedLines(db: PrismaClient, operationId: string, afterSeq: number): Promise<TLogLine[]> {
  const rows = await db.logLine.findMany({
    where: { operationId, seq: { gt: afterSeq } },
    orderBy: { seq: "asc" },
  });
  return rows.map((r) => ({
    seq: r.seq,
    stream: r.stream,
    text: r.text,
    at: r.at.toISOString(),
    ...(r.stage ? { stage: r.stage } : {}),
  }));
}

function toEvent(id: string, fields: string[]): TLogEvent | undefined {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
  const seq = seqOfEntryId(id);
  if (map.get("type") === "line") {
    const stream = ZLogStreamSchema.safeParse(map.get("stream"));
    if (!stream.success) return undefined;
    const stage = map.get("stage");
    return {
      type: "line",
      line: { seq, stream: stream.data, text: map.get("text") ?? "", at: map.get("at") ?? "", ...(stage ? { stage } : {}) },
    };
  }
  const status = ZOperationStatusSchema.safeParse(map.get("status"));
  if (!status.success) return undefined;
  return { type: "status", seq, status: status.data, error: map.get("error") || null };
}

/**
 * Every event of an operation's log after `afterSeq`, live while it runs, ending with its final
 * status. A finished operation is read from PostgreSQL; a running one from its Redis stream.
 */
export async function* followLog(opts: FollowOptions): AsyncGenerator<TFollowEvent> {
  const { db, operationId } = opts;
  const finished = async () => {
    const op = await db.operation.findUniqueOrThrow({
      where: { id: operationId },
      select: { status: true, error: true },
    });
    return isFinalStatus(op.status) ? op : undefined;
  };
  let lastSeq = opts.afterSeq;
  const final = await finished();
  if (final) {
    for (const line of await storedLines(db, operationId, lastSeq)) yield { type: "line", line };
    yield { type: "status", seq: lastSeq, status: final.status, error: final.error };
    return;
  }

  const reader = opts.openReader();
  const stop = () => reader.disconnect();
  opts.signal.addEventListener("abort", stop, { once: true });
  try {
    const key = logStreamKey(operationId);
    // A stream lost with Redis' data: what PostgreSQL holds comes first, the stream goes on from there.
    if ((await reader.exists(key)) === 0) {
      for (const line of await storedLines(db, operationId, lastSeq)) {
        lastSeq = line.seq;
        yield { type: "line", line };
      }
    }
    let cursor = `${lastSeq}-0`;
    while (!opts.signal.aborted) {
      const reply = (await reader.xread(
        "COUNT",
        500,
        "BLOCK",
        opts.heartbeatMs ?? 15_000,
        "STREAMS",
        key,
        cursor,
      )) as [string, [string, string[]][]][] | null;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) {
        // Quiet for a while: tell the browser we are alive, and notice an operation that ended
        // without its final entry reaching the stream.
        yield { type: "heartbeat" };
        const ended = await finished();
        if (ended) {
          for (const line of await storedLines(db, operationId, lastSeq)) yield { type: "line", line };
          yield { type: "status", seq: lastSeq, status: ended.status, error: ended.error };
          return;
        }
        continue;
      }
      for (const [id, fields] of entries) {
        cursor = id;
        const event = toEvent(id, fields);
        if (!event) continue;
        if (event.type === "line") lastSeq = event.line.seq;
        // A "blocked" entry from before a Re-check is history: the operation runs again.
        if (event.type === "status" && event.status === "blocked" && !(await finished())) continue;
        yield event;
        if (event.type === "status" && isFinalStatus(event.status)) return;
      }
    }
  } catch (err) {
    if (!opts.signal.aborted) throw err;
  } finally {
    opts.signal.removeEventListener("abort", stop);
    reader.disconnect();
  }
}
