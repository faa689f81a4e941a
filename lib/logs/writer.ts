import type { Redis } from "ioredis";
import type { PrismaClient } from "../generated/prisma/client";
import {
  lineEntryId,
  logStreamKey,
  MAX_LINE_LENGTH,
  type TLogLine,
  type TLogStream,
  type TOperationStatus,
} from "./line";
import { maskSecrets } from "./mask";

interface LogWriterOptions {
  operationId: string;
  redis: Redis;
  db: PrismaClient;
  /** Last line already written (0 for a new operation); the writer continues after it. */
  afterSeq: number;
  /** Status entries already written after that line (a resumed run continues their numbering). */
  afterStatusIndex?: number;
  streamTtlSeconds: number;
  flushIntervalMs?: number;
  flushBatchSize?: number;
  /** Values masked in every line before it is stored or sent (tokens, API keys, passwords). */
  secrets?: readonly string[];
}

/**
 * Publishes each line to the operation's Redis stream at once (live viewers) and writes lines to
 * PostgreSQL in batches (history). `close()` flushes everything that is still buffered.
 */
export class LogWriter {
  private seq: number;
  private statusIndex = 0;
  private readonly secrets: string[];
  private buffer: TLogLine[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private published: Promise<unknown>[] = [];
  private readonly key: string;
  private currentStage: string | undefined;

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

  line(stream: TLogStream, raw: string): void {
    const text = maskSecrets(raw, this.secrets);
    this.seq += 1;
    this.statusIndex = 0;
    const line: TLogLine = {
      seq: this.seq,
      stream,
      text:
        text.length > MAX_LINE_LENGTH
          ? `${text.slice(0, MAX_LINE_LENGTH)} [line cut at ${MAX_LINE_LENGTH} characters]`
          : text,
      at: new Date().toISOString(),
      ...(this.currentStage ? { stage: this.currentStage } : {}),
    };
    this.publish(lineEntryId(line.seq), [
      "type",
      "line",
      "stream",
      line.stream,
      "text",
      line.text,
      "at",
      line.at,
      ...(line.stage ? ["stage", line.stage] : []),
    ]);
    this.buffer.push(line);
    if (this.buffer.length >= (this.opts.flushBatchSize ?? 200)) this.scheduleFlush(0);
    else this.scheduleFlush(this.opts.flushIntervalMs ?? 250);
  }

  system(text: string): void {
    this.line("system", text);
  }

  status(status: TOperationStatus, error: string | null = null): void {
    this.statusIndex += 1;
    this.publish(`${this.seq}-${this.statusIndex}`, [
      "type",
      "status",
      "status",
      status,
      "error",
      error ?? "",
    ]);
  }

  /** Writes every buffered line to PostgreSQL and waits for Redis to acknowledge every entry. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    await Promise.all(this.published);
    this.published = [];
  }

  /** After the final status: the stream stays for late viewers, then expires; history is in PostgreSQL. */
  async expireStream(): Promise<void> {
    await this.opts.redis.expire(this.key, this.opts.streamTtlSeconds);
  }

  private publish(id: string, fields: string[]): void {
    const added = this.opts.redis.xadd(this.key, id, ...fields);
    // Seen (and rethrown) by close(); never an unhandled rejection that would end the worker.
    added.catch(() => undefined);
    this.published.push(added);
  }

  private scheduleFlush(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(() => {
        // Kept in the buffer by flush(); the next flush or close() retries and reports.
      });
    }, delayMs);
  }

  private flush(): Promise<void> {
    // Serialised so that batches reach PostgreSQL in seq order.
    this.flushing = this.flushing
      .catch(() => {})
      .then(async () => {
        if (this.buffer.length === 0) return;
        const batch = this.buffer;
        this.buffer = [];
        try {
          const last = batch[batch.length - 1] as TLogLine;
          await this.opts.db.$transaction([
            this.opts.db.logLine.createMany({
              data: batch.map((l) => ({
                operationId: this.opts.operationId,
                seq: l.seq,
                stream: l.stream,
                text: l.text,
                at: new Date(l.at),
                stage: l.stage ?? null,
              })),
              skipDuplicates: true,
            }),
            this.opts.db.operation.update({
              where: { id: this.opts.operationId },
              data: { lineCount: last.seq },
            }),
          ]);
        } catch (err) {
          this.buffer = [...batch, ...this.buffer];
          throw err;
        }
      });
    return this.flushing;
  }
}
