import type { Redis } from "ioredis";
import pg from "pg";
import { databaseUrl } from "../env";
import type { PrismaClient } from "../generated/prisma/client";
import {
  decodeLogEntry,
  lineEntryId,
  lineJson,
  linesEntryFields,
  logStreamKey,
  MAX_LINE_LENGTH,
  type TLogLine,
  type TLogStream,
  type TOperationStatus,
} from "./line";
import { maskSecrets } from "./mask";

/** What the writer needs of a `pg.Pool`: one parameterised statement at a time. */
export interface TLogRowsPool {
  query(text: string, values: unknown[]): Promise<unknown>;
}

const globalForPool = globalThis as unknown as { webopsLogRowsPool?: pg.Pool };

/**
 * The process's PostgreSQL pool for log rows. Rows go through `pg` directly, not Prisma: on
 * 5000-row batches that costs the worker about 3 µs of CPU per line instead of 7, and PostgreSQL
 * less than JSON would. Idle connections never keep a process from exiting.
 */
export function logRowsPool(): pg.Pool {
  if (!globalForPool.webopsLogRowsPool) {
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: 4, allowExitOnIdle: true });
    // An idle connection that breaks (PostgreSQL restarted) is dropped; the next INSERT reconnects.
    pool.on("error", () => {});
    globalForPool.webopsLogRowsPool = pool;
  }
  return globalForPool.webopsLogRowsPool;
}

export async function endLogRowsPool(): Promise<void> {
  const pool = globalForPool.webopsLogRowsPool;
  globalForPool.webopsLogRowsPool = undefined;
  await pool?.end();
}

/**
 * One statement per batch, atomic on its own: the rows (seq = $2 + ordinality - 1) and the
 * operation's lineCount. Rows a killed predecessor already stored are skipped.
 */
const INSERT_LINES = `
  WITH inserted AS (
    INSERT INTO "LogLine" ("operationId", "seq", "stream", "stage", "text", "at")
    SELECT $1, $2::int + r.n::int - 1, r.stream, r.stage, r.text, r.at
    FROM unnest($3::"LogStream"[], $4::text[], $5::timestamp(3)[], $6::text[])
         WITH ORDINALITY AS r(stream, text, at, stage, n)
    ON CONFLICT DO NOTHING
  )
  UPDATE "Operation" SET "lineCount" = $7 WHERE id = $1`;

interface LogWriterOptions {
  operationId: string;
  redis: Redis;
  /** Kept for callers; log rows go through `pool`. */
  db: PrismaClient;
  /** Where log rows are inserted (default: `logRowsPool()`, from DATABASE_URL). */
  pool?: TLogRowsPool;
  /** Last line already written (0 for a new operation); the writer continues after it. */
  afterSeq: number;
  /** Status entries already written after that line (a resumed run continues their numbering). */
  afterStatusIndex?: number;
  streamTtlSeconds: number;
  /** PostgreSQL: a line waits at most this long for its INSERT (default 250 ms). */
  flushIntervalMs?: number;
  /** PostgreSQL: rows per INSERT; this many waiting lines are written at once (default 5000). */
  flushBatchSize?: number;
  /** Redis: lines per stream entry at most (default 1000). */
  publishBatchSize?: number;
  /**
   * Lines held in memory above which `writable` is false (default 50 000). Lines waiting for
   * PostgreSQL beyond a quarter of it are not held once Redis has them: they are read back from the
   * stream when their turn comes, so a flood faster than PostgreSQL does not fill the worker's memory.
   */
  maxBacklog?: number;
  /** Values masked in every line before it is stored or sent (tokens, API keys, passwords). */
  secrets?: readonly string[];
}

/** Joins lines for masking: a newline then a quote stops every mask pattern, so none spans two lines. */
const MASK_SEPARATOR = "\n'";

/**
 * `maskSecrets` of each text, done on many lines at once (five times faster on a flood of output).
 * Texts holding a newline are masked alone; if masking touched a separator (a secret with a quote
 * in it, say), every line is masked alone instead, so the result is always line for line.
 */
export function maskLines(texts: readonly string[], secrets: readonly string[]): string[] {
  const out = texts.slice();
  const joinable: number[] = [];
  for (let i = 0; i < out.length; i++) {
    const text = out[i] as string;
    if (text.includes("\n")) out[i] = maskSecrets(text, secrets);
    else joinable.push(i);
  }
  if (joinable.length === 0) return out;
  const joined = joinable.map((i) => out[i] as string).join(MASK_SEPARATOR);
  const masked = maskSecrets(joined, secrets);
  if (masked === joined) return out;
  const parts = masked.split(MASK_SEPARATOR);
  const together = parts.length === joinable.length;
  for (let k = 0; k < joinable.length; k++) {
    const i = joinable[k] as number;
    out[i] = together ? (parts[k] as string) : maskSecrets(out[i] as string, secrets);
  }
  return out;
}

/** Lines as PostgreSQL gets them, a column each (seq follows from the first line's). */
interface Columns {
  streams: TLogStream[];
  texts: string[];
  ats: string[];
  stages: (string | null)[];
}

/** A batch of lines as published; its columns are dropped from memory once Redis holds it, in a flood. */
interface Part {
  first: number;
  count: number;
  rows: Columns | undefined;
  taken: boolean;
}

/** Lines not yet written to PostgreSQL, from seq `first`, as the parts they were published in. */
class PendingRows {
  first = 0;
  length = 0;
  /** Lines whose columns are in memory (the others are read back from Redis when written). */
  held = 0;
  private parts: Part[] = [];

  push(first: number, rows: Columns, count: number): Part {
    if (this.length === 0) this.first = first;
    const part = { first, count, rows, taken: false };
    this.parts.push(part);
    this.length += count;
    this.held += count;
    return part;
  }

  /** Forgets a part's columns (Redis has its lines); `take` callers read them back. */
  evict(part: Part): void {
    if (part.taken || part.rows === undefined) return;
    part.rows = undefined;
    this.held -= part.count;
  }

  /** Removes whole parts, about `n` lines (never more than `n` unless one part is bigger). */
  take(n: number): Part[] {
    let k = 0;
    let lines = 0;
    while (k < this.parts.length && (k === 0 || lines + (this.parts[k] as Part).count <= n)) {
      lines += (this.parts[k] as Part).count;
      k += 1;
    }
    const batch = this.parts.splice(0, k);
    for (const part of batch) {
      part.taken = true;
      if (part.rows !== undefined) this.held -= part.count;
    }
    this.first += lines;
    this.length -= lines;
    return batch;
  }

  /** Puts a batch that could not be written back in front. */
  restore(batch: Part[]): void {
    const lines = batch.reduce((sum, p) => sum + p.count, 0);
    for (const part of batch) {
      part.taken = false;
      if (part.rows !== undefined) this.held += part.count;
    }
    this.first = batch[0]?.first ?? this.first;
    this.parts = [...batch, ...this.parts];
    this.length += lines;
  }
}

/**
 * Publishes lines to the operation's Redis stream (live viewers) and writes them to PostgreSQL
 * (history). A burst of lines becomes one stream entry on the next turn of the event loop, so a
 * viewer sees a line within milliseconds; PostgreSQL gets them in batches of many rows per INSERT
 * (through `pg`, one statement with array parameters).
 * `close()` writes everything that is still held.
 */
export class LogWriter {
  private seq: number;
  private statusIndex = 0;
  private readonly secrets: string[];
  private readonly key: string;
  private currentStage: string | undefined;

  // Accepted lines not yet published (masked and encoded when published, a whole burst at once).
  private pendingTexts: string[] = [];
  private pendingStreams: TLogStream[] = [];
  private pendingAts: string[] = [];
  private pendingStages: (string | null)[] = [];
  private publishTimer: NodeJS.Immediate | undefined;
  private readonly publishing = new Set<Promise<void>>();
  private publishingLines = 0;
  private publishError: unknown;

  private readonly rows = new PendingRows();
  private rowsWriting = 0;
  private writing = false;
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];

  private lastAtMs = 0;
  private lastAt = "";

  constructor(private readonly opts: LogWriterOptions) {
    this.seq = opts.afterSeq;
    this.statusIndex = opts.afterStatusIndex ?? 0;
    this.secrets = [...(opts.secrets ?? [])];
    this.key = logStreamKey(opts.operationId);
  }

  /** Also mask these from now on (e.g. the credentials a run has just unsealed). */
  addSecrets(values: readonly (string | undefined)[]): void {
    for (const v of values) if (v) this.secrets.push(v);
  }

  /** Lines written from now on carry this stage (a deployment's pipeline). */
  set stage(stage: string | undefined) {
    this.currentStage = stage;
  }

  get stage(): string | undefined {
    return this.currentStage;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Lines held in memory: accepted and not yet acknowledged by Redis, or waiting for PostgreSQL. */
  get backlog(): number {
    return this.pendingTexts.length + this.publishingLines + this.rows.held + this.rowsWriting;
  }

  /** Lines accepted and not yet in PostgreSQL. */
  get unpersisted(): number {
    return this.pendingTexts.length + this.rows.length + this.rowsWriting;
  }

  /** False while the backlog is above `maxBacklog`: a producer that can pause should await `whenWritable()`. */
  get writable(): boolean {
    return this.backlog <= this.maxBacklog;
  }

  /**
   * Resolves at once while writable, else once the backlog has drained to half of `maxBacklog`
   * (or a write has failed: `close()` reports it). Lets an SSH channel be paused during a flood
   * instead of holding an unbounded amount of output in memory.
   */
  whenWritable(): Promise<void> {
    if (this.writable) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  line(stream: TLogStream, raw: string): void {
    this.seq += 1;
    this.statusIndex = 0;
    this.pendingTexts.push(raw);
    this.pendingStreams.push(stream);
    this.pendingAts.push(this.now());
    this.pendingStages.push(this.currentStage ?? null);
    if (this.pendingTexts.length >= (this.opts.publishBatchSize ?? 1000)) this.publishPending();
    else this.publishTimer ??= setImmediate(() => this.publishPending());
  }

  system(text: string): void {
    this.line("system", text);
  }

  status(status: TOperationStatus, error: string | null = null): void {
    // Lines before it go out first: entry ids (and what viewers see) stay in order.
    this.publishPending();
    this.statusIndex += 1;
    this.xadd(
      `${this.seq}-${this.statusIndex}`,
      ["type", "status", "status", status, "error", error ?? ""],
      0,
    );
  }

  /** Writes every held line to PostgreSQL and waits for Redis to acknowledge every entry. */
  async close(): Promise<void> {
    this.publishPending();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    await Promise.all(this.publishing);
    if (this.publishError !== undefined) {
      const err = this.publishError;
      this.publishError = undefined;
      throw err;
    }
  }

  /** After the final status: the stream stays for late viewers, then expires; history is in PostgreSQL. */
  async expireStream(): Promise<void> {
    await this.opts.redis.expire(this.key, this.opts.streamTtlSeconds);
  }

  private get maxBacklog(): number {
    return this.opts.maxBacklog ?? 50_000;
  }

  /** The ISO time of now, made once per millisecond (a flood of lines shares it). */
  private now(): string {
    const ms = Date.now();
    if (ms !== this.lastAtMs) {
      this.lastAtMs = ms;
      this.lastAt = new Date(ms).toISOString();
    }
    return this.lastAt;
  }

  /** Masks, encodes and publishes the held lines as one entry `<last seq>-0`, and queues them for PostgreSQL. */
  private publishPending(): void {
    if (this.publishTimer) clearImmediate(this.publishTimer);
    this.publishTimer = undefined;
    const count = this.pendingTexts.length;
    if (count === 0) return;
    const first = this.seq - count + 1;
    const texts = maskLines(this.pendingTexts, this.secrets);
    const { pendingStreams: streams, pendingAts: ats, pendingStages: stages } = this;
    this.pendingTexts = [];
    this.pendingStreams = [];
    this.pendingAts = [];
    this.pendingStages = [];
    const json = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      const text = storable(texts[i] as string);
      texts[i] = text;
      const stage = stages[i] ?? null;
      json[i] = lineJson({
        seq: first + i,
        stream: streams[i] as TLogStream,
        text,
        at: ats[i] as string,
        ...(stage !== null ? { stage } : {}),
      });
    }
    const fields = linesEntryFields(first, json);
    const part = this.rows.push(first, { streams, texts, ats, stages }, count);
    this.xadd(lineEntryId(this.seq), fields, count, () => {
      // Below the level `whenWritable` waits for, so that a paused channel resumes as soon as Redis
      // catches up, not only when PostgreSQL has written a batch.
      if (this.rows.held > this.maxBacklog / 4) this.rows.evict(part);
    });
    this.scheduleFlush();
  }

  private xadd(id: string, fields: string[], lines: number, acked?: () => void): void {
    this.publishingLines += lines;
    const added: Promise<void> = this.opts.redis.xadd(this.key, id, ...fields).then(
      () => acked?.(),
      (err: unknown) => {
        // Reported by close(); never an unhandled rejection that would end the worker.
        this.publishError ??= err;
      },
    );
    const tracked = added.finally(() => {
      this.publishingLines -= lines;
      this.publishing.delete(tracked);
      this.wake(false);
    });
    this.publishing.add(tracked);
  }

  private wake(failed: boolean): void {
    if (this.waiters.length === 0) return;
    if (!failed && this.backlog > this.maxBacklog / 2) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private scheduleFlush(): void {
    if (this.writing) return; // the running write loop takes these rows too
    if (this.rows.length >= (this.opts.flushBatchSize ?? 5000)) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.flush().catch(() => {
        // Kept in the buffer; the next flush or close() retries and reports.
      });
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(() => {
        // As above.
      });
    }, this.opts.flushIntervalMs ?? 250);
  }

  private flush(): Promise<void> {
    // Serialised so that batches reach PostgreSQL in seq order.
    this.writing = true;
    this.flushing = this.flushing.catch(() => {}).then(() => this.writeRows());
    return this.flushing;
  }

  /** Writes held rows, a batch per INSERT, until none are left (rows added meanwhile included). */
  private async writeRows(): Promise<void> {
    this.writing = true;
    try {
      while (this.rows.length > 0) {
        const batch = this.rows.take(this.opts.flushBatchSize ?? 5000);
        this.rowsWriting = batch.reduce((sum, p) => sum + p.count, 0);
        try {
          await this.insert(batch);
        } catch (err) {
          this.rows.restore(batch);
          this.wake(true);
          throw err;
        } finally {
          this.rowsWriting = 0;
        }
        this.wake(false);
      }
    } finally {
      this.writing = false;
    }
  }

  private async insert(batch: Part[]): Promise<void> {
    const { operationId } = this.opts;
    const first = (batch[0] as Part).first;
    const cols: Columns[] = [];
    let next = first;
    for (const part of batch) {
      // PendingRows hands out whole parts in order; a gap would misnumber every row after it.
      if (part.first !== next)
        throw new Error(`Log lines of operation ${operationId} out of order at ${next}`);
      next += part.count;
      cols.push(part.rows ?? (await this.readBack(part)));
    }
    const rows = cols.length === 1 ? (cols[0] as Columns) : concatColumns(cols);
    await (this.opts.pool ?? logRowsPool()).query(INSERT_LINES, [
      operationId,
      first,
      rows.streams,
      rows.texts,
      rows.ats,
      rows.stages,
      next - 1,
    ]);
  }

  /** An evicted part's lines, from its stream entry (only parts Redis acknowledged are evicted). */
  private async readBack(part: Part): Promise<Columns> {
    const id = lineEntryId(part.first + part.count - 1);
    const [entry] = await this.opts.redis.xrange(this.key, id, id);
    const decoded = entry ? decodeLogEntry(entry[0], entry[1]) : undefined;
    if (decoded?.type !== "lines" || decoded.first !== part.first || decoded.json.length !== part.count)
      throw new Error(
        `Lines ${part.first} to ${part.first + part.count - 1} of operation ${this.opts.operationId} are gone from Redis before reaching PostgreSQL`,
      );
    const rows: Columns = { streams: [], texts: [], ats: [], stages: [] };
    for (const json of decoded.json) {
      const line = JSON.parse(json) as TLogLine;
      rows.streams.push(line.stream);
      rows.texts.push(line.text);
      rows.ats.push(line.at);
      rows.stages.push(line.stage ?? null);
    }
    return rows;
  }
}

function concatColumns(parts: Columns[]): Columns {
  // concat, not flatMap: several times faster on arrays of thousands.
  const [head, ...rest] = parts as [Columns, ...Columns[]];
  return {
    streams: head.streams.concat(...rest.map((p) => p.streams)),
    texts: head.texts.concat(...rest.map((p) => p.texts)),
    ats: head.ats.concat(...rest.map((p) => p.ats)),
    stages: head.stages.concat(...rest.map((p) => p.stages)),
  };
}

/** Cut to MAX_LINE_LENGTH, and without NUL characters, which PostgreSQL text cannot hold. */
function storable(text: string): string {
  const cut =
    text.length > MAX_LINE_LENGTH
      ? `${text.slice(0, MAX_LINE_LENGTH)} [line cut at ${MAX_LINE_LENGTH} characters]`
      : text;
  return cut.includes("\0") ? cut.replaceAll("\0", "\uFFFD") : cut;
}
