import { z } from "zod";

export const ZLogStreamSchema = z.enum(["stdout", "stderr", "system"]);
export type TLogStream = z.infer<typeof ZLogStreamSchema>;

/** One line of an operation's output. `seq` starts at 1 and has no gaps. */
export const ZLogLineSchema = z.object({
  seq: z.number().int().positive(),
  stream: ZLogStreamSchema,
  text: z.string(),
  at: z.string(),
  /** The deployment stage that wrote it; absent for other operations. */
  stage: z.string().optional(),
});
export type TLogLine = z.infer<typeof ZLogLineSchema>;

export const ZOperationStatusSchema = z.enum([
  "queued",
  "running",
  "succeeded",
  "failed",
  "blocked",
  "cancelled",
]);
export type TOperationStatus = z.infer<typeof ZOperationStatusSchema>;

/** What a live viewer receives: lines, and status changes in order with them. */
export type TLogEvent =
  | { type: "line"; line: TLogLine }
  | { type: "status"; seq: number; status: TOperationStatus; error: string | null };

/**
 * Redis stream layout, one stream per operation. Entry ids encode line numbers so that a viewer
 * resumes with `XREAD ... <seq>-0`: an entry carrying lines `first..last` is `<last>-0` (a batch:
 * one entry per burst of output, not per line), the k-th status change after line `seq` is
 * `<seq>-<k>`. Ids only grow, so the last entry's id is always the last line written. A viewer
 * resuming after a line in the middle of a batch gets that batch and drops what it already has.
 */
export function logStreamKey(operationId: string): string {
  return `webops:log:${operationId}`;
}

export function lineEntryId(seq: number): string {
  return `${seq}-0`;
}

export function seqOfEntryId(id: string): number {
  return Number(id.split("-")[0]);
}

/**
 * A line as JSON, exactly `JSON.stringify(line)` (same keys, same order), built without the
 * generic serializer: the writer encodes every line once and readers pass the text on as is.
 */
export function lineJson(line: TLogLine): string {
  const stage = line.stage !== undefined ? `,"stage":${JSON.stringify(line.stage)}` : "";
  return `{"seq":${line.seq},"stream":"${line.stream}","text":${JSON.stringify(line.text)},"at":${JSON.stringify(line.at)}${stage}}`;
}

/**
 * The JSON of consecutive lines joined by commas (a "body"): wrapped in `[` `]` it is a JSON array.
 * Stream entries, stored chunks and the event stream all carry lines this way, so a relay passes
 * them on without decoding them. Every line starts with `{"seq":`, which cannot occur unescaped
 * inside a JSON string, so a body splits back into its lines exactly there.
 */
export function joinLineJson(json: readonly string[]): string {
  return json.join(",");
}

const LINE_START = '{"seq":';

export function splitLineJson(body: string): string[] {
  if (body === "") return [];
  const parts = body.split(`,${LINE_START}`);
  for (let i = 1; i < parts.length; i++) parts[i] = LINE_START + parts[i];
  return parts;
}

/** The lines of a body, parsed. */
export function parseLineJson(body: string): TLogLine[] {
  return JSON.parse(`[${body}]`) as TLogLine[];
}

/** Fields of a batch entry: its first line number and its lines as a body (`joinLineJson`). */
export function linesEntryFields<B extends string | Buffer>(first: number, body: B): (string | B)[] {
  return ["type", "lines", "first", String(first), "lines", body];
}

/**
 * A decoded stream entry: lines `first..first+count-1` as a body (a string, or the bytes when the
 * stream was read as buffers), or a status change.
 */
export type TLogEntry<B extends string | Buffer = string> =
  | { type: "lines"; first: number; count: number; body: B }
  | { type: "status"; seq: number; status: TOperationStatus; error: string | null };

export function decodeLogEntry<B extends string | Buffer>(
  id: string,
  fields: readonly B[],
): TLogEntry<B> | undefined {
  const map = new Map<string, B>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(String(fields[i]), fields[i + 1] as B);
  const seq = seqOfEntryId(id);
  const field = (name: string) => {
    const value = map.get(name);
    return value === undefined ? undefined : String(value);
  };
  if (field("type") === "lines") {
    const first = Number(field("first"));
    const body = map.get("lines");
    // A malformed entry is skipped rather than mis-numbered.
    if (!Number.isInteger(first) || first < 1 || first > seq || body === undefined) return undefined;
    return { type: "lines", first, count: seq - first + 1, body };
  }
  const status = ZOperationStatusSchema.safeParse(field("status"));
  if (!status.success) return undefined;
  return { type: "status", seq, status: status.data, error: field("error") || null };
}

/** The operation has stopped writing: finished, or blocked until the operator resumes it. */
export function isFinalStatus(status: TOperationStatus): boolean {
  return status === "succeeded" || status === "failed" || status === "blocked" || status === "cancelled";
}

/** Long lines are cut so one runaway line cannot bloat Redis, the database or the browser. */
export const MAX_LINE_LENGTH = 8192;
