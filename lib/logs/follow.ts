import type { Redis } from "ioredis";
import type { PrismaClient } from "../generated/prisma/client";
import {
  decodeLogEntry,
  isFinalStatus,
  logStreamKey,
  parseLineJson,
  splitLineJson,
  type TLogEvent,
} from "./line";
import { readStoredRuns, type TStoredRun } from "./stored";

interface FollowOptions {
  operationId: string;
  /** Resume after this line number (0: from the start). */
  afterSeq: number;
  signal: AbortSignal;
  db: PrismaClient;
  /** A connection of its own: XREAD BLOCK holds it, and aborting disconnects it. */
  openReader: () => Redis;
  heartbeatMs?: number;
  /** Where stored lines are read (default: the LogChunk table, `readStoredRuns`). */
  readStored?: (operationId: string, afterSeq: number, limit: number) => Promise<TStoredRun[]>;
}

export type TFollowEvent = TLogEvent | { type: "heartbeat" };

/**
 * Consecutive lines `first .. first + count - 1` as bodies (`joinLineJson`) to be joined by commas:
 * the bytes of Redis entries or the text of stored chunks, passed on without decoding.
 */
export interface TLineRun {
  type: "lines";
  first: number;
  count: number;
  parts: (string | Buffer)[];
}

/** What `followLogRuns` yields: runs of lines, status changes in order with them, heartbeats. */
export type TFollowRun = TLineRun | Extract<TLogEvent, { type: "status" }> | { type: "heartbeat" };

/** Lines per query when a log is read back from PostgreSQL. */
const PAGE_SIZE = 10_000;
/** Stream entries per XREAD; each entry carries a burst of up to a thousand lines. */
const ENTRIES_PER_READ = 50;
/** Entries join one run until it holds this many lines (a relay's event stays a few hundred kB). */
const MAX_RUN_LINES = 5000;

/** Stored lines after `afterSeq`, a page at a time, as runs of consecutive lines. */
async function* storedRuns(opts: FollowOptions, afterSeq: number): AsyncGenerator<TLineRun> {
  const read = opts.readStored ?? readStoredRuns;
  let after = afterSeq;
  for (;;) {
    const runs = await read(opts.operationId, after, PAGE_SIZE);
    for (const run of runs) {
      after = lastOf(run);
      yield { type: "lines", first: run.first, count: run.count, parts: [run.body] };
    }
    if (runs.length === 0 || after < afterSeq + PAGE_SIZE) return;
    afterSeq = after;
  }
}

const lastOf = (run: { first: number; count: number }) => run.first + run.count - 1;

/**
 * Every event of an operation's log after `afterSeq`, live while it runs, ending with its final
 * status; lines come in runs (a whole burst at once) so a relay can send them in one write. A
 * finished operation is read from PostgreSQL; a running one from its Redis stream.
 */
export async function* followLogRuns(opts: FollowOptions): AsyncGenerator<TFollowRun> {
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
    for await (const run of storedRuns(opts, lastSeq)) {
      lastSeq = lastOf(run);
      yield run;
    }
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
      for await (const run of storedRuns(opts, lastSeq)) {
        lastSeq = lastOf(run);
        yield run;
      }
    }
    // The stream is read from after the viewer's last line, so status entries written before that
    // line are not read again: a viewer that resumes (or loaded the stored lines first) starts from
    // where the operation stands now, or a page would say "queued" above a running log.
    if (lastSeq > 0) {
      const now = await db.operation.findUniqueOrThrow({
        where: { id: operationId },
        select: { status: true },
      });
      if (!isFinalStatus(now.status))
        // No error with it: a live run has none to show, and the row may still hold the text of
        // the block a Re-check resumed from (the stream's own "running" entry carries none either).
        yield { type: "status", seq: lastSeq, status: now.status, error: null };
    }
    let cursor = `${lastSeq}-0`;
    while (!opts.signal.aborted) {
      // As bytes: a relay passes the lines on as they are.
      const reply = (await reader.xreadBuffer(
        "COUNT",
        ENTRIES_PER_READ,
        "BLOCK",
        opts.heartbeatMs ?? 15_000,
        "STREAMS",
        key,
        cursor,
      )) as [Buffer, [Buffer, Buffer[]][]][] | null;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) {
        // Quiet for a while: tell the browser we are alive, and notice an operation that ended
        // without its final entry reaching the stream.
        yield { type: "heartbeat" };
        const ended = await finished();
        if (ended) {
          for await (const run of storedRuns(opts, lastSeq)) {
            lastSeq = lastOf(run);
            yield run;
          }
          yield { type: "status", seq: lastSeq, status: ended.status, error: ended.error };
          return;
        }
        continue;
      }
      // Lines of consecutive entries go out as one run, up to the next status change.
      let run: TLineRun | undefined;
      for (const [rawId, fields] of entries) {
        const id = String(rawId);
        cursor = id;
        const entry = decodeLogEntry(id, fields);
        if (!entry) continue;
        if (entry.type === "lines") {
          // An entry is a batch; resuming in its middle drops the lines the viewer already has.
          const skip = Math.max(0, lastSeq + 1 - entry.first);
          if (skip >= entry.count) continue;
          const body = skip > 0 ? splitLineJson(String(entry.body)).slice(skip).join(",") : entry.body;
          const first = entry.first + skip;
          const count = entry.count - skip;
          if (run && lastOf(run) + 1 === first && run.count < MAX_RUN_LINES) {
            run.parts.push(body);
            run.count += count;
          } else {
            if (run) yield run;
            run = { type: "lines", first, count, parts: [body] };
          }
          lastSeq = lastOf(run);
          continue;
        }
        if (run) yield run;
        run = undefined;
        // A final entry from before a Re-check or a Retry is history: the operation runs again.
        if (isFinalStatus(entry.status) && !(await finished())) continue;
        yield entry;
        if (isFinalStatus(entry.status)) return;
      }
      if (run) yield run;
    }
  } catch (err) {
    if (!opts.signal.aborted) throw err;
  } finally {
    opts.signal.removeEventListener("abort", stop);
    reader.disconnect();
  }
}

/** `followLogRuns`, a line at a time. */
export async function* followLog(opts: FollowOptions): AsyncGenerator<TFollowEvent> {
  for await (const event of followLogRuns(opts)) {
    if (event.type !== "lines") yield event;
    else for (const line of parseLineJson(event.parts.join(","))) yield { type: "line", line };
  }
}
