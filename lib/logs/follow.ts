import type { Redis } from "ioredis";
import type { PrismaClient } from "../generated/prisma/client";
import { decodeLogEntry, isFinalStatus, lineJson, logStreamKey, type TLogEvent, type TLogLine } from "./line";

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

/** Consecutive lines `first, first + 1, ...` as their JSON (`lineJson`), passed on without re-encoding. */
export interface TLineRun {
  type: "lines";
  first: number;
  json: string[];
}

/** What `followLogRuns` yields: runs of lines, status changes in order with them, heartbeats. */
export type TFollowRun = TLineRun | Extract<TLogEvent, { type: "status" }> | { type: "heartbeat" };

/** Rows per query when a log is read back from PostgreSQL. */
const PAGE_SIZE = 5000;
/** Stream entries per XREAD; each entry carries a burst of up to a thousand lines. */
const ENTRIES_PER_READ = 50;

/** Stored lines after `afterSeq`, a page at a time, as runs of consecutive lines. */
async function* storedRuns(
  db: PrismaClient,
  operationId: string,
  afterSeq: number,
): AsyncGenerator<TLineRun> {
  let after = afterSeq;
  for (;;) {
    const rows = await db.logLine.findMany({
      where: { operationId, seq: { gt: after } },
      orderBy: { seq: "asc" },
      take: PAGE_SIZE,
    });
    let run: TLineRun | undefined;
    for (const r of rows) {
      const json = lineJson({
        seq: r.seq,
        stream: r.stream,
        text: r.text,
        at: r.at.toISOString(),
        ...(r.stage ? { stage: r.stage } : {}),
      });
      if (run && run.first + run.json.length === r.seq) run.json.push(json);
      else {
        if (run) yield run;
        run = { type: "lines", first: r.seq, json: [json] };
      }
      after = r.seq;
    }
    if (run) yield run;
    if (rows.length < PAGE_SIZE) return;
  }
}

const lastOf = (run: TLineRun) => run.first + run.json.length - 1;

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
    for await (const run of storedRuns(db, operationId, lastSeq)) {
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
      for await (const run of storedRuns(db, operationId, lastSeq)) {
        lastSeq = lastOf(run);
        yield run;
      }
    }
    let cursor = `${lastSeq}-0`;
    while (!opts.signal.aborted) {
      const reply = (await reader.xread(
        "COUNT",
        ENTRIES_PER_READ,
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
          for await (const run of storedRuns(db, operationId, lastSeq)) {
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
      for (const [id, fields] of entries) {
        cursor = id;
        const entry = decodeLogEntry(id, fields);
        if (!entry) continue;
        if (entry.type === "lines") {
          // An entry is a batch; resuming in its middle drops the lines the viewer already has.
          const skip = Math.max(0, lastSeq + 1 - entry.first);
          if (skip >= entry.json.length) continue;
          const json = skip > 0 ? entry.json.slice(skip) : entry.json;
          const first = entry.first + skip;
          if (run && lastOf(run) + 1 === first) for (const j of json) run.json.push(j);
          else {
            if (run) yield run;
            run = { type: "lines", first, json };
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
    else for (const json of event.json) yield { type: "line", line: JSON.parse(json) as TLogLine };
  }
}
