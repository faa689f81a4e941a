import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { followLog, followLogRuns, type TFollowEvent } from "@/lib/logs/follow";
import {
  decodeLogEntry,
  joinLineJson,
  lineJson,
  linesEntryFields,
  splitLineJson,
  type TLogLine,
} from "@/lib/logs/line";
import { maskSecrets } from "@/lib/logs/mask";
import { LogWriter, maskLines, type TLogRowsPool } from "@/lib/logs/writer";

type TEntry = [string, string[]];
const idParts = (id: string) => id.split("-").map(Number) as [number, number];
const after = (a: string, b: string) => {
  const [a1, a2] = idParts(a);
  const [b1, b2] = idParts(b);
  return a1 > b1 || (a1 === b1 && a2 > b2);
};

/** Just enough of a Redis stream for the writer and the follower, ids checked as Redis does. */
class FakeStream {
  entries: TEntry[] = [];
  async xadd(_key: string, id: string, ...fields: string[]): Promise<string> {
    const last = this.entries.at(-1);
    if (last && !after(id, last[0])) throw new Error(`ERR id ${id} is not greater than ${last[0]}`);
    this.entries.push([id, fields]);
    return id;
  }
  async xrange(_key: string, start: string, end: string): Promise<TEntry[]> {
    return this.entries.filter(([id]) => !after(start, id) && !after(id, end));
  }
  async xreadBuffer(...args: (string | number)[]): Promise<[string, TEntry[]][] | null> {
    const count = Number(args[1]);
    const cursor = String(args.at(-1));
    const found = this.entries.filter(([id]) => after(id, cursor)).slice(0, count);
    return found.length > 0 ? [["key", found]] : null;
  }
  async exists(): Promise<number> {
    return this.entries.length > 0 ? 1 : 0;
  }
  async expire(): Promise<number> {
    return 1;
  }
  disconnect(): void {}
}

/**
 * The PostgreSQL side: chunks from the writer's guarded INSERT (taken only when they continue the
 * stored log, as the statement's UPDATE ... WHERE "lineCount" = first - 1 does), the lineCount
 * read that follows a refused one, and an operation's status.
 */
function fakeDb(opts: { insertDelayMs?: number } = {}) {
  const chunks: { first: number; last: number; lines: string }[] = [];
  const rows: TLogLine[] = [];
  /** `earlier`: what the first status reads answer, before `status` (the operation ends meanwhile). */
  const state = { status: "running", earlier: [] as string[], lineCount: 0, inserts: 0, failNext: 0 };
  const pool: TLogRowsPool = {
    query: async (sql, values) => {
      if (opts.insertDelayMs) await new Promise((r) => setTimeout(r, opts.insertDelayMs));
      if (state.failNext > 0) {
        state.failNext -= 1;
        throw new Error("connection terminated unexpectedly");
      }
      // A Buffer parameter reaches a text column as its UTF-8 text, as PostgreSQL reads it.
      const text = (v: unknown) => (Buffer.isBuffer(v) ? v.toString("utf8") : (v as string));
      if (sql.includes('SELECT o."lineCount"')) {
        const [, first, last] = values as [string, number, number];
        const lines = text(values[3]);
        const same = chunks.some((c) => c.first === first && c.last === last && c.lines === lines);
        return { rowCount: 1, rows: [{ lineCount: state.lineCount, same }] };
      }
      expect(sql).toContain('"lineCount" = $2::int - 1');
      const [, first, last] = values as [string, number, number];
      const lines = text(values[3]);
      state.inserts += 1;
      if (state.lineCount !== first - 1) return { rowCount: 0, rows: [] };
      chunks.push({ first, last, lines });
      const parsed = JSON.parse(`[${lines}]`) as TLogLine[];
      expect(parsed.map((l) => l.seq)).toEqual(range(first, last));
      rows.push(...parsed);
      state.lineCount = last;
      return { rowCount: 1, rows: [] };
    },
  };
  const readStored = async (_op: string, after: number, limit: number) =>
    chunks
      .filter((c) => c.last > after && c.first <= after + limit)
      .map((c) => {
        const json = splitLineJson(c.lines);
        const from = Math.max(0, after + 1 - c.first);
        const kept = json.slice(from, after + limit - c.first + 1);
        return { first: c.first + from, count: kept.length, body: joinLineJson(kept) };
      });
  const db = {
    operation: {
      findUniqueOrThrow: async () => ({ status: state.earlier.shift() ?? state.status, error: null }),
    },
  };
  return { db: db as unknown as PrismaClient, pool, rows, chunks, state, readStored };
}

function setup(
  opts: {
    afterSeq?: number;
    maxBacklog?: number;
    publishBatchSize?: number;
    flushBatchSize?: number;
    insertDelayMs?: number;
  } = {},
) {
  const stream = new FakeStream();
  const pg = fakeDb({ ...(opts.insertDelayMs ? { insertDelayMs: opts.insertDelayMs } : {}) });
  // Lines before afterSeq are stored already (a previous run's).
  pg.state.lineCount = opts.afterSeq ?? 0;
  const log = new LogWriter({
    operationId: "op1",
    redis: stream as unknown as Redis,
    pool: pg.pool,
    afterSeq: opts.afterSeq ?? 0,
    streamTtlSeconds: 60,
    flushIntervalMs: 5,
    ...(opts.maxBacklog ? { maxBacklog: opts.maxBacklog } : {}),
    ...(opts.publishBatchSize ? { publishBatchSize: opts.publishBatchSize } : {}),
    ...(opts.flushBatchSize ? { flushBatchSize: opts.flushBatchSize } : {}),
    secrets: ["s3cr3t-pw"],
  });
  const follow = (afterSeq: number) =>
    followLog({
      operationId: "op1",
      afterSeq,
      signal: new AbortController().signal,
      db: pg.db,
      openReader: () => stream as unknown as Redis,
      heartbeatMs: 1,
      readStored: pg.readStored,
    });
  return { stream, pg, log, follow };
}

async function collect(gen: AsyncGenerator<TFollowEvent>): Promise<TFollowEvent[]> {
  const events: TFollowEvent[] = [];
  for await (const e of gen) events.push(e);
  return events;
}
const seqs = (events: TFollowEvent[]) => events.flatMap((e) => (e.type === "line" ? [e.line.seq] : []));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("log lines in batches: one stream entry per burst, id = its last line", () => {
  it("encodes a line exactly as JSON.stringify does", () => {
    const lines: TLogLine[] = [
      {
        seq: 1,
        stream: "stdout",
        text: 'quote " backslash \\ tab \t nl \n é ✓ \u2028',
        at: "2026-01-01T00:00:00.000Z",
      },
      { seq: 2, stream: "system", text: "", at: "2026-01-01T00:00:00.001Z", stage: 'build "x"' },
    ];
    for (const line of lines) expect(lineJson(line)).toBe(JSON.stringify(line));
  });

  it("decodes a batch entry, splits its body back into lines exactly, refuses a malformed one", () => {
    // A text that looks like the start of a line cannot split a body: JSON escapes its quotes.
    const texts = ["l1", 'x,{"seq":99,"stream":"stdout"}', "l3"];
    const json = [1, 2, 3].map((seq) =>
      lineJson({ seq: seq + 9, stream: "stdout", text: texts[seq - 1] as string, at: "t" }),
    );
    const body = joinLineJson(json);
    expect(decodeLogEntry("12-0", linesEntryFields(10, body))).toEqual({
      type: "lines",
      first: 10,
      count: 3,
      body,
    });
    expect(splitLineJson(body)).toEqual(json);
    expect(decodeLogEntry("9-0", linesEntryFields(10, body))).toBeUndefined();
    expect(decodeLogEntry("12-0", ["type", "lines", "first", "x", "lines", body])).toBeUndefined();
  });

  it("masks a batch of lines exactly as it masks each line alone", () => {
    const secrets = ["s3cr3t-pw", "it's-a-secret", "multi\nline-secret"];
    const texts = [
      "Authorization:",
      "Bearer abcdef",
      "--token",
      "value-after-flag",
      "https://user",
      ":pw@host",
      "HF_TOKEN=",
      "x",
      "'s-a-secret and s3cr3t-pw",
      "it",
      "'quoted start",
      "curl -H 'Authorization: Bearer sk-123' http://a:b@h/ --api-key=k1 hf_abcdefghijklmnopqrstuvwxyz",
      "a line with\na newline and multi\nline-secret",
      "",
      "plain",
    ];
    expect(maskLines(texts, secrets)).toEqual(texts.map((t) => maskSecrets(t, secrets)));
    expect(maskLines(["plain", "text"], [])).toEqual(["plain", "text"]);
  });

  it("publishes a burst as one entry, statuses in between, ids strictly increasing", async () => {
    const { stream, log } = setup();
    log.status("running");
    for (let i = 1; i <= 5; i++) log.line("stdout", `a${i}`);
    log.status("blocked", "waiting");
    log.line("stderr", "b1 s3cr3t-pw");
    await log.close();
    log.status("succeeded");
    await log.close();
    expect(stream.entries.map(([id]) => id)).toEqual(["0-1", "5-0", "5-1", "6-0", "6-1"]);
    const batch = decodeLogEntry(...(stream.entries[1] as TEntry));
    expect(batch).toMatchObject({ type: "lines", first: 1 });
    // Entries carry their lines as bytes: read them as the text a viewer gets.
    const published = stream.entries.flatMap(([, fields]) => fields.map((f) => String(f))).join("\n");
    expect(published).toContain("b1 ********");
    expect(published).not.toContain("s3cr3t-pw");
    expect(log.lastSeq).toBe(6);
  });

  it("splits a flood into entries of at most publishBatchSize lines", async () => {
    const { stream, log, pg } = setup({ publishBatchSize: 100 });
    for (let i = 1; i <= 250; i++) log.line("stdout", `l${i}`);
    await log.close();
    expect(stream.entries.map(([id]) => id)).toEqual(["100-0", "200-0", "250-0"]);
    expect(pg.rows.map((r) => r.seq)).toEqual(range(1, 250));
    expect(pg.state.lineCount).toBe(250);
  });

  it("lets a viewer resume after a line in the middle of a batch, nothing lost or repeated", async () => {
    const { log, follow, pg } = setup();
    log.stage = "install";
    for (let i = 1; i <= 300; i++) log.line("stdout", `line ${i}`);
    log.stage = undefined;
    log.status("blocked", "needs sudo");
    log.line("system", "after");
    log.status("succeeded");
    await log.close();
    // Running when the viewer starts, when it resumes the stream and when it meets "blocked";
    // finished by the final entry.
    pg.state.earlier = ["running", "running", "running"];
    pg.state.status = "succeeded";
    const live = collect(follow(137));
    const events = await live;
    expect(seqs(events)).toEqual(range(138, 301));
    expect(events.find((e) => e.type === "line")).toMatchObject({
      line: { seq: 138, text: "line 138", stage: "install" },
    });
    // Where the operation stood when the viewer resumed; the "blocked" entry is history (the
    // operation runs on); the final status ends the follow.
    expect(events.filter((e) => e.type === "status")).toEqual([
      { type: "status", seq: 137, status: "running", error: null },
      { type: "status", seq: 301, status: "succeeded", error: null },
    ]);
  });

  it("yields runs of lines to the relay, split only at status changes", async () => {
    const { log, pg, stream } = setup({ publishBatchSize: 10 });
    for (let i = 1; i <= 25; i++) log.line("stdout", `l${i}`);
    log.status("running");
    for (let i = 26; i <= 30; i++) log.line("stdout", `l${i}`);
    log.status("failed", "boom");
    await log.close();
    // Running when the viewer starts (so it reads the stream), finished by the final entry.
    pg.state.earlier = ["running"];
    pg.state.status = "failed";
    const runs = [];
    for await (const run of followLogRuns({
      operationId: "op1",
      afterSeq: 3,
      signal: new AbortController().signal,
      db: pg.db,
      openReader: () => stream as unknown as Redis,
      readStored: pg.readStored,
    }))
      runs.push(
        run.type === "lines" ? `${run.first}+${run.count}` : run.type === "status" ? run.status : run.type,
      );
    expect(runs).toEqual(["4+22", "running", "26+5", "failed"]);
  });

  it("keeps all lines while PostgreSQL lags, a producer that waits when told holding no more than the limit", async () => {
    const { log, pg, stream } = setup({
      maxBacklog: 400,
      publishBatchSize: 50,
      flushBatchSize: 200,
      insertDelayMs: 20,
    });
    let peak = 0;
    let pauses = 0;
    for (let i = 1; i <= 5000; i++) {
      log.line("stdout", `line ${i}`);
      peak = Math.max(peak, log.backlog);
      // As an SSH channel delivers output: a chunk of 50 lines, then a pause while the writer is full.
      if (i % 50 === 0) {
        if (!log.writable) pauses += 1;
        await (log.writable ? new Promise((r) => setImmediate(r)) : log.whenWritable());
      }
    }
    await log.close();
    expect(pauses).toBeGreaterThan(0);
    expect(pg.rows.map((r) => r.seq)).toEqual(range(1, 5000));
    expect(pg.rows[4999]?.text).toBe("line 5000");
    expect(pg.state.lineCount).toBe(5000);
    expect(stream.entries).toHaveLength(100);
    // The limit, plus at most the one chunk of output that arrived before the producer looked.
    expect(peak).toBeLessThanOrEqual(400 + 50);
  });

  it("serves a finished operation from PostgreSQL a page at a time", async () => {
    const { log, follow, pg } = setup();
    for (let i = 1; i <= 12_000; i++) log.line("stdout", `l${i}`);
    await log.close();
    pg.state.status = "succeeded";
    const events = await collect(follow(10));
    expect(seqs(events)).toEqual(range(11, 12_000));
    expect(events.at(-1)).toEqual({ type: "status", seq: 12_000, status: "succeeded", error: null });
  });

  it("continues after the last line of a previous run", async () => {
    const { log, stream } = setup({ afterSeq: 41 });
    log.line("system", "retrying");
    await log.close();
    expect(stream.entries.map(([id]) => id)).toEqual(["42-0"]);
  });

  it("stores each line with its seq, stage and masked text, NUL replaced, lineCount with the rows", async () => {
    const { log, pg } = setup({ publishBatchSize: 3, flushBatchSize: 5 });
    log.stage = "build";
    for (let i = 1; i <= 7; i++) log.line(i % 2 ? "stdout" : "stderr", `l${i} s3cr3t-pw`);
    log.stage = undefined;
    log.line("system", "nul\0here");
    await log.close();
    expect(pg.rows.map((r) => r.seq)).toEqual(range(1, 8));
    expect(pg.rows[0]).toMatchObject({ seq: 1, stream: "stdout", text: "l1 ********", stage: "build" });
    expect(pg.rows[1]).toMatchObject({ seq: 2, stream: "stderr", text: "l2 ********" });
    expect(pg.rows[7]).toMatchObject({ seq: 8, stream: "system", text: "nul\uFFFDhere" });
    expect(pg.rows[7]?.stage).toBeUndefined();
    expect(pg.state.lineCount).toBe(8);
  });

  it("keeps a batch whose INSERT failed and writes it again, in order, on the next flush", async () => {
    const { log, pg } = setup({ flushBatchSize: 10 });
    pg.state.failNext = 1;
    for (let i = 1; i <= 25; i++) log.line("stdout", `l${i}`);
    // The scheduled flush fails once; close() writes everything that is still held.
    await new Promise((r) => setTimeout(r, 30));
    for (let i = 26; i <= 30; i++) log.line("stdout", `l${i}`);
    await log.close();
    expect(pg.rows.map((r) => r.seq)).toEqual(range(1, 30));
    expect(pg.rows.map((r) => r.text)).toEqual(range(1, 30).map((i) => `l${i}`));
    expect(pg.state.lineCount).toBe(30);
  });

  it("reports a write that keeps failing from close(), still holding the lines", async () => {
    const { log, pg } = setup();
    pg.state.failNext = 100;
    log.line("stdout", "kept");
    await expect(log.close()).rejects.toThrow("connection terminated");
    expect(log.unpersisted).toBe(1);
    pg.state.failNext = 0;
    await log.close();
    expect(pg.rows.map((r) => r.text)).toEqual(["kept"]);
  });

  it("stores a batch as one chunk of the published JSON, never one that does not follow the stored log", async () => {
    const { log, pg, stream } = setup({ publishBatchSize: 4, flushBatchSize: 10 });
    for (let i = 1; i <= 10; i++) log.line("stdout", `l${i}`);
    await log.close();
    // Published in entries of 4, 4, 2; stored as one chunk whose text is theirs joined.
    expect(pg.chunks.map((c) => [c.first, c.last])).toEqual([[1, 10]]);
    const published = stream.entries.map(([, fields]) => fields[5]).join(",");
    expect(pg.chunks[0]?.lines).toBe(published);
    // A second writer that believes fewer lines are stored is refused, not stored twice.
    const { LogWriter: Writer } = await import("@/lib/logs/writer");
    const stale = new Writer({
      operationId: "op1",
      redis: new FakeStream() as unknown as Redis,
      pool: pg.pool,
      afterSeq: 5,
      streamTtlSeconds: 60,
    });
    stale.line("stdout", "late");
    await expect(stale.close()).rejects.toThrow(
      "Log lines 6 to 6 of operation op1 do not follow the 10 stored",
    );
    expect(pg.rows.map((r) => r.seq)).toEqual(range(1, 10));
  });
});
