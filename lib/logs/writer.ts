import type { Redis } from "ioredis";
import { pgPool } from "../pg-pool";
import {
  joinLineJson,
  lineEntryId,
  lineJson,
  linesEntryFields,
  logStreamKey,
  MAX_LINE_LENGTH,
  type TLogStream,
  type TOperationStatus,
} from "./line";
import { maskSecrets } from "./mask";

/**
 * This run of an operation no longer owns it: another worker took the operation over (its job was
 * handed on while this run still lived). The run's lines are refused; it must stop without writing.
 */
export class SupersededRun extends Error {
  constructor(operationId: string) {
    super(`Another run took over operation ${operationId}; this one stops`);
    this.name = "SupersededRun";
  }
}

/** The key holding the token of the run that owns an operation's log stream. */
export function runTokenKey(operationId: string): string {
  return `webops:oprun:${operationId}`;
}

/** XADD only while the run key holds this run's token (KEYS: run key, stream; ARGV: token, id, fields...). */
const FENCED_XADD = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('SUPERSEDED another run owns this operation')
end
return redis.call('XADD', KEYS[2], unpack(ARGV, 2))`;

type TFencedRedis = Redis & {
  webopsFencedXadd(
    runKey: string,
    stream: string,
    token: string,
    ...idAndFields: (string | Buffer)[]
  ): Promise<string>;
};

function fenced(redis: Redis): TFencedRedis {
  const r = redis as TFencedRedis;
  if (typeof r.webopsFencedXadd !== "function")
    r.defineCommand("webopsFencedXadd", { numberOfKeys: 2, lua: FENCED_XADD });
  return r;
}

/** What the writer needs of a `pg.Pool`: one parameterised statement at a time. */
export interface TLogRowsPool {
  query(text: string, values: unknown[]): Promise<{ rowCount: number | null; rows: unknown[] }>;
}

/**
 * Puts an operation's stored chunks into the log search's trigram index (a partial index over
 * `searchable` chunks). Live chunks stay out of it: indexing megabytes of text as they are written
 * would cost the log path two thirds of its throughput.
 */
export async function markLogSearchable(pool: TLogRowsPool, operationId: string): Promise<void> {
  await pool.query(`UPDATE "LogChunk" SET searchable = true WHERE "operationId" = $1 AND NOT searchable`, [
    operationId,
  ]);
}

/**
 * One statement per chunk, atomic on its own: the chunk goes in only if it continues the stored log
 * exactly (the operation's lineCount is the line before it), and lineCount moves to its last line.
 * A chunk that does not follow is refused (no row), never stored twice or with a gap.
 */
const INSERT_CHUNK = `
  WITH advanced AS (
    UPDATE "Operation" SET "lineCount" = $3
    WHERE id = $1 AND "lineCount" = $2::int - 1 AND ($5::text IS NULL OR "runToken" = $5)
    RETURNING id
  )
  INSERT INTO "LogChunk" ("operationId", "firstSeq", "lastSeq", "lines")
  SELECT id, $2, $3, $4::text FROM advanced`;

/** After a refused chunk: how far the stored log goes, and whether this very chunk is in it. */
const STORED_STATE = `
  SELECT o."lineCount", o."runToken", EXISTS (
    SELECT 1 FROM "LogChunk" c
    WHERE c."operationId" = $1 AND c."lastSeq" = $3 AND c."firstSeq" = $2 AND c.lines = $4::text
  ) AS "same"
  FROM "Operation" o WHERE o.id = $1`;

/**
 * Stores lines `first..first + count - 1` (a body: each `lineJson`, joined by commas; as text, or as
 * its UTF-8 bytes, which `pg` sends as they are) as one chunk after the lines already stored. The same chunk stored before (a retried statement whose first try did
 * commit) is fine; a chunk that would leave a gap or overlap other stored lines throws.
 */
export async function storeLogChunk(
  pool: TLogRowsPool,
  operationId: string,
  first: number,
  count: number,
  lines: string | Buffer,
  runToken: string | null = null,
): Promise<void> {
  const last = first + count - 1;
  const inserted = await pool.query(INSERT_CHUNK, [operationId, first, last, lines, runToken]);
  if (inserted.rowCount === 1) return;
  const { rows } = await pool.query(STORED_STATE, [operationId, first, last, lines]);
  const state = rows[0] as { lineCount: number; runToken: string | null; same: boolean } | undefined;
  if (state === undefined) throw new Error(`Operation ${operationId} is gone; its log lines were not stored`);
  if (state.same) return;
  if (runToken !== null && state.runToken !== runToken) throw new SupersededRun(operationId);
  const stored = state.lineCount;
  throw new Error(
    `Log lines ${first} to ${last} of operation ${operationId} do not follow the ${stored} stored`,
  );
}

interface LogWriterOptions {
  operationId: string;
  redis: Redis;
  /** Where log rows are inserted (default: `pgPool()`, from DATABASE_URL). */
  pool?: TLogRowsPool;
  /** Last line already written (0 for a new operation); the writer continues after it. */
  afterSeq: number;
  /** Status entries already written after that line (a resumed run continues their numbering). */
  afterStatusIndex?: number;
  streamTtlSeconds: number;
  /** PostgreSQL: a line waits at most this long for its INSERT (default 250 ms). */
  flushIntervalMs?: number;
  /** PostgreSQL: lines per chunk at most; this many waiting lines are written at once (default 20 000). */
  flushBatchSize?: number;
  /** Redis: lines per stream entry at most (default 1000). */
  publishBatchSize?: number;
  /**
   * Lines held in memory (not yet acknowledged by Redis, or not yet in PostgreSQL) above which
   * `writable` is false (default 100 000: a line is held as its JSON, so about 15 MB).
   */
  maxBacklog?: number;
  /** Values masked in every line before it is stored or sent (tokens, API keys, passwords). */
  secrets?: readonly string[];
  /**
   * The run's token (Operation.runToken and the Redis run key): lines are published and stored only
   * while it owns the operation. Without one, nothing is fenced (tools and tests).
   */
  runToken?: string;
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

/**
 * A batch of lines as published: the JSON of each joined by commas, exactly the stream entry's
 * `lines` field, as UTF-8 bytes. Encoded once, the same bytes go to Redis and to PostgreSQL, and
 * they are held outside V8's heap: a flood of output does not grow the heap by its size.
 */
interface Part {
  first: number;
  count: number;
  bytes: Buffer;
}

/** Lines not yet written to PostgreSQL, from seq `first`, as the parts they were published in. */
class PendingRows {
  first = 0;
  length = 0;
  private parts: Part[] = [];

  push(first: number, bytes: Buffer, count: number): void {
    if (this.length === 0) this.first = first;
    this.parts.push({ first, count, bytes });
    this.length += count;
  }

  /**
   * Removes whole parts, about `n` lines and `size` bytes (never more unless one part is bigger on
   * its own).
   */
  take(n: number, maxBytes: number): Part[] {
    let k = 0;
    let lines = 0;
    let size = 0;
    while (k < this.parts.length) {
      const part = this.parts[k] as Part;
      if (k > 0 && (lines + part.count > n || size + part.bytes.length > maxBytes)) break;
      lines += part.count;
      size += part.bytes.length;
      k += 1;
    }
    const batch = this.parts.splice(0, k);
    this.first += lines;
    this.length -= lines;
    return batch;
  }

  /** Puts a batch that could not be written back in front. */
  restore(batch: Part[]): void {
    const lines = batch.reduce((sum, p) => sum + p.count, 0);
    this.first = batch[0]?.first ?? this.first;
    this.parts = [...batch, ...this.parts];
    this.length += lines;
  }
}

/**
 * Publishes lines to the operation's Redis stream (live viewers) and writes them to PostgreSQL
 * (history). A burst of lines becomes one stream entry on the next turn of the event loop, so a
 * viewer sees a line within milliseconds; PostgreSQL gets them as chunks of up to thousands of
 * lines, the same JSON text, one row per chunk (through `pg`).
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
  private supersededRun = false;

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
    return this.pendingTexts.length + this.publishingLines + this.rows.length + this.rowsWriting;
  }

  /** Lines accepted and not yet in PostgreSQL. */
  get unpersisted(): number {
    return this.pendingTexts.length + this.rows.length + this.rowsWriting;
  }

  /** False while the backlog is above `maxBacklog`: a producer that can pause should await `whenWritable()`. */
  get writable(): boolean {
    return this.supersededRun || this.backlog <= this.maxBacklog;
  }

  /** The token of the run this writer writes for (see LogWriterOptions.runToken). */
  get runToken(): string | undefined {
    return this.opts.runToken;
  }

  /** True once Redis or PostgreSQL refused a line because another run owns the operation. */
  get superseded(): boolean {
    return this.supersededRun;
  }

  /** From now on nothing is published or stored: what is held is dropped. */
  private becomeSuperseded(): void {
    this.supersededRun = true;
    this.pendingTexts = [];
    this.pendingStreams = [];
    this.pendingAts = [];
    this.pendingStages = [];
    this.rows.take(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    this.publishError = undefined;
    this.wake(true);
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
    if (this.supersededRun) return;
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
    if (this.supersededRun) return;
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
    if (this.supersededRun) return;
    this.publishPending();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush().catch((err: unknown) => {
      if (!(err instanceof SupersededRun)) throw err;
    });
    await Promise.all(this.publishing);
    if (this.supersededRun) return;
    if (this.publishError !== undefined) {
      const err = this.publishError;
      this.publishError = undefined;
      throw err;
    }
  }

  /**
   * After the final status: the stream stays for late viewers, then expires; history is in
   * PostgreSQL. The finished log's chunks join the search index now, off the path of live lines (a
   * chunk that does not, say because PostgreSQL is away, is still searched, only without the index).
   */
  async expireStream(): Promise<void> {
    await this.opts.redis.expire(this.key, this.opts.streamTtlSeconds);
    await this.opts.redis.expire(runTokenKey(this.opts.operationId), this.opts.streamTtlSeconds);
    await markLogSearchable(this.opts.pool ?? pgPool(), this.opts.operationId).catch(() => undefined);
  }

  private get maxBacklog(): number {
    return this.opts.maxBacklog ?? 100_000;
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
      const stage = stages[i] ?? null;
      json[i] = lineJson({
        seq: first + i,
        stream: streams[i] as TLogStream,
        text: storable(texts[i] as string),
        at: ats[i] as string,
        ...(stage !== null ? { stage } : {}),
      });
    }
    const bytes = Buffer.from(joinLineJson(json));
    this.rows.push(first, bytes, count);
    this.xadd(lineEntryId(this.seq), linesEntryFields(first, bytes), count);
    this.scheduleFlush();
  }

  private xadd(id: string, fields: (string | Buffer)[], lines: number): void {
    this.publishingLines += lines;
    const token = this.opts.runToken;
    const sent = token
      ? fenced(this.opts.redis).webopsFencedXadd(
          runTokenKey(this.opts.operationId),
          this.key,
          token,
          id,
          ...fields,
        )
      : this.opts.redis.xadd(this.key, id, ...fields);
    const added: Promise<void> = sent.then(
      () => {},
      (err: unknown) => {
        if (String((err as Error)?.message).startsWith("SUPERSEDED")) return this.becomeSuperseded();
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
    if (this.rows.length >= (this.opts.flushBatchSize ?? 20_000)) {
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
        const batch = this.rows.take(this.opts.flushBatchSize ?? 20_000, MAX_CHUNK_BYTES);
        this.rowsWriting = batch.reduce((sum, p) => sum + p.count, 0);
        try {
          await this.insert(batch);
        } catch (err) {
          if (err instanceof SupersededRun) {
            this.becomeSuperseded();
            throw err;
          }
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
    const bodies: Buffer[] = [];
    let next = first;
    for (const part of batch) {
      // PendingRows hands out whole parts in order; a gap would misnumber every line after it.
      if (part.first !== next)
        throw new Error(`Log lines of operation ${operationId} out of order at ${next}`);
      next += part.count;
      if (bodies.length > 0) bodies.push(COMMA);
      bodies.push(part.bytes);
    }
    await storeLogChunk(
      this.opts.pool ?? pgPool(),
      operationId,
      first,
      next - first,
      bodies.length === 1 ? (bodies[0] as Buffer) : Buffer.concat(bodies),
      this.opts.runToken ?? null,
    );
  }
}

/** A chunk holds at most about this many bytes (bigger single bursts stay whole). */
const MAX_CHUNK_BYTES = 4_000_000;

const COMMA = Buffer.from(",");

/** Cut to MAX_LINE_LENGTH, and without NUL characters, which PostgreSQL text cannot hold. */
function storable(text: string): string {
  const cut =
    text.length > MAX_LINE_LENGTH
      ? `${text.slice(0, MAX_LINE_LENGTH)} [line cut at ${MAX_LINE_LENGTH} characters]`
      : text;
  return cut.includes("\0") ? cut.replaceAll("\0", "\uFFFD") : cut;
}
