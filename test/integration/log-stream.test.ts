import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { env } from "@/lib/env";
import { followLog, type TFollowEvent } from "@/lib/logs/follow";
import { logStreamKey } from "@/lib/logs/line";
import { LogWriter } from "@/lib/logs/writer";
import { createRedis } from "@/lib/redis";
import { storedLines } from "../support/logs";

// Real PostgreSQL and Redis, started by test/setup/system.ts.
const redis = createRedis("blocking");
const readers: ReturnType<typeof createRedis>[] = [];
const openReader = () => {
  const r = createRedis("blocking");
  readers.push(r);
  return r;
};

afterAll(async () => {
  redis.disconnect();
  for (const r of readers) r.disconnect();
  await disconnectDb();
});

async function newOperation(): Promise<string> {
  const host = await db().host.create({
    data: {
      name: `log-${Math.random().toString(36).slice(2, 10)}`,
      address: "127.0.0.1",
      port: 22,
      username: "deploy",
      authMethod: "key",
    },
  });
  const op = await db().operation.create({
    data: { kind: "host_check", hostId: host.id, status: "running" },
  });
  return op.id;
}

function writer(operationId: string, afterSeq = 0) {
  return new LogWriter({
    operationId,
    redis,
    afterSeq,
    streamTtlSeconds: env().WEBOPS_LOG_STREAM_TTL_S,
    flushIntervalMs: 20,
  });
}

async function collect(gen: AsyncGenerator<TFollowEvent>): Promise<TFollowEvent[]> {
  const events: TFollowEvent[] = [];
  for await (const e of gen) events.push(e);
  return events;
}

const seqs = (events: TFollowEvent[]) => events.flatMap((e) => (e.type === "line" ? [e.line.seq] : []));

describe("live log: Redis stream per operation, batched into PostgreSQL", () => {
  it("delivers lines to a viewer while they are written, before the operation ends", async () => {
    const id = await newOperation();
    const log = writer(id);
    const abort = new AbortController();
    const viewer = followLog({
      operationId: id,
      afterSeq: 0,
      signal: abort.signal,
      db: db(),
      openReader,
      heartbeatMs: 500,
    });
    log.status("running");
    log.line("stdout", "first line");
    const first = await viewer.next();
    const second = await viewer.next();
    // Nothing has ended yet: the viewer got the line live.
    expect(first.value).toMatchObject({ type: "status", status: "running" });
    expect(second.value).toMatchObject({
      type: "line",
      line: { seq: 1, text: "first line", stream: "stdout" },
    });
    abort.abort();
    await viewer.return(undefined);
    await log.close();
  });

  it("tells a viewer that resumes after stored lines where a running operation stands", async () => {
    const id = await newOperation();
    // What a run resumed by a Re-check still holds from its block: not shown above the live log.
    await db().operation.update({ where: { id }, data: { error: "Run these commands first" } });
    const log = writer(id);
    // The "running" entry sits before line 1: a viewer reading the stream after line 3 skips it.
    log.status("running");
    for (let i = 1; i <= 3; i++) log.line("stdout", `line ${i}`);
    const abort = new AbortController();
    const viewer = followLog({ operationId: id, afterSeq: 3, signal: abort.signal, db: db(), openReader });
    const first = await viewer.next();
    expect(first.value).toMatchObject({ type: "status", seq: 3, status: "running", error: null });
    log.line("stdout", "line 4");
    expect((await viewer.next()).value).toMatchObject({ type: "line", line: { seq: 4, text: "line 4" } });
    abort.abort();
    await viewer.return(undefined);
    await log.close();
  });

  it("keeps every line, in order, in PostgreSQL with contiguous sequence numbers", async () => {
    const id = await newOperation();
    const log = writer(id);
    for (let i = 1; i <= 1500; i++) log.line(i % 7 === 0 ? "stderr" : "stdout", `line ${i}`);
    await log.close();
    const rows = await storedLines(id);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 1500 }, (_, i) => i + 1));
    expect(rows[6]).toMatchObject({ stream: "stderr", text: "line 7" });
    expect((await db().operation.findUniqueOrThrow({ where: { id } })).lineCount).toBe(1500);
    // Compressed with lz4 (migration 20261202060000_log_chunk_lz4), not PostgreSQL's pglz.
    const methods = await db().$queryRaw<{ method: string | null }[]>`
      SELECT pg_column_compression(lines) AS method FROM "LogChunk" WHERE "operationId" = ${id}`;
    expect(methods.map((m) => m.method)).toEqual(methods.map(() => "lz4"));
    expect(methods.length).toBeGreaterThan(0);
  });

  it("lets a late or reconnecting viewer resume after a line number, with nothing lost or repeated", async () => {
    const id = await newOperation();
    const log = writer(id);
    log.status("running");
    for (let i = 1; i <= 300; i++) log.line("stdout", `line ${i}`);
    // As a run does: the operation's row ends first, then its final entry goes to the stream.
    await db().operation.update({ where: { id }, data: { status: "succeeded" } });
    log.status("succeeded");
    await log.close();
    const all = await collect(
      followLog({ operationId: id, afterSeq: 0, signal: new AbortController().signal, db: db(), openReader }),
    );
    expect(seqs(all)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(all.at(-1)).toMatchObject({ type: "status", status: "succeeded" });
    const resumed = await collect(
      followLog({
        operationId: id,
        afterSeq: 250,
        signal: new AbortController().signal,
        db: db(),
        openReader,
      }),
    );
    expect(seqs(resumed)).toEqual(Array.from({ length: 50 }, (_, i) => i + 251));
  });

  it("publishes a burst of lines as one stream entry whose id is its last line", async () => {
    const id = await newOperation();
    const log = writer(id);
    log.status("running");
    for (let i = 1; i <= 40; i++) log.line("stdout", `line ${i}`);
    log.status("blocked", "waiting");
    log.line("stdout", "line 41");
    await log.close();
    const ids = (await redis.xrange(logStreamKey(id), "-", "+")).map(([entryId]) => entryId);
    expect(ids).toEqual(["0-1", "40-0", "40-1", "41-0"]);
  });

  it("resumes a viewer after a line in the middle of a stream entry, with stages kept", async () => {
    const id = await newOperation();
    const log = writer(id);
    log.stage = "build";
    for (let i = 1; i <= 2500; i++) log.line("stdout", `line ${i}`);
    // As a run does: the operation's row ends first, then its final entry goes to the stream.
    await db().operation.update({ where: { id }, data: { status: "succeeded" } });
    log.status("succeeded");
    await log.close();
    const events = await collect(
      followLog({
        operationId: id,
        afterSeq: 1234,
        signal: new AbortController().signal,
        db: db(),
        openReader,
      }),
    );
    expect(seqs(events)).toEqual(Array.from({ length: 1266 }, (_, i) => i + 1235));
    expect(events[0]).toMatchObject({ type: "line", line: { seq: 1235, text: "line 1235", stage: "build" } });
    const stored = (await storedLines(id))[2499];
    expect(stored).toMatchObject({ text: "line 2500", stage: "build", stream: "stdout" });
  });

  it("keeps every line of a flood that outruns PostgreSQL, holding a bounded number in memory", async () => {
    const id = await newOperation();
    const log = new LogWriter({
      operationId: id,
      redis,
      afterSeq: 0,
      streamTtlSeconds: 60,
      maxBacklog: 2000,
      flushBatchSize: 500,
    });
    let peak = 0;
    let pauses = 0;
    for (let i = 1; i <= 30_000; i++) {
      log.line("stdout", `flood ${i}`);
      peak = Math.max(peak, log.backlog);
      // Every 500 lines, as an SSH channel delivers chunks: the producer pauses while the writer is full.
      if (i % 500 === 0) {
        if (!log.writable) pauses += 1;
        await (log.writable ? new Promise((r) => setImmediate(r)) : log.whenWritable());
      }
    }
    await log.close();
    const rows = await storedLines(id);
    const last = rows.at(-1);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 30_000 }, (_, i) => i + 1));
    expect(last).toMatchObject({ seq: 30_000, text: "flood 30000" });
    // Bounded (within twice maxBacklog: lines in flight to Redis count too), however fast the producer is.
    expect(pauses).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(2 * 2000);
  });

  it("serves a finished operation from PostgreSQL once its stream has expired", async () => {
    const id = await newOperation();
    const log = writer(id);
    for (let i = 1; i <= 20; i++) log.line("stdout", `line ${i}`);
    await log.close();
    await db().operation.update({
      where: { id },
      data: { status: "failed", error: "boom", finishedAt: new Date() },
    });
    await redis.del(logStreamKey(id));
    const events = await collect(
      followLog({ operationId: id, afterSeq: 5, signal: new AbortController().signal, db: db(), openReader }),
    );
    expect(seqs(events)).toEqual(Array.from({ length: 15 }, (_, i) => i + 6));
    expect(events.at(-1)).toMatchObject({ type: "status", status: "failed", error: "boom" });
  });

  it("continues a retried job's log after the last line, never overwriting it", async () => {
    const id = await newOperation();
    const first = writer(id);
    for (let i = 1; i <= 3; i++) first.line("stdout", `try 1 line ${i}`);
    await first.close();
    const second = writer(id, 3);
    second.line("system", "retrying");
    await second.close();
    const rows = await storedLines(id);
    expect(rows.map((r) => `${r.seq}:${r.text}`)).toEqual([
      "1:try 1 line 1",
      "2:try 1 line 2",
      "3:try 1 line 3",
      "4:retrying",
    ]);
  });

  it("masks secrets before a line reaches Redis or PostgreSQL", async () => {
    const id = await newOperation();
    const log = new LogWriter({
      operationId: id,
      redis,
      afterSeq: 0,
      streamTtlSeconds: 60,
      secrets: ["pw-7f3a9c"],
    });
    log.line("stdout", "login with pw-7f3a9c");
    log.line("stderr", "curl -H 'Authorization: Bearer sk-abc123' http://127.0.0.1:8000/v1/models");
    await log.close();
    const stored = await storedLines(id);
    expect(stored.map((l) => l.text)).toEqual([
      "login with ********",
      "curl -H 'Authorization: Bearer ********' http://127.0.0.1:8000/v1/models",
    ]);
    const streamed = JSON.stringify(await redis.xrange(logStreamKey(id), "-", "+"));
    expect(streamed).not.toContain("pw-7f3a9c");
    expect(streamed).not.toContain("sk-abc123");
  });
});
