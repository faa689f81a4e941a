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

/** Fields of a batch entry: its first line number and each line's JSON, one per `\n` (JSON escapes newlines). */
export function linesEntryFields(first: number, json: readonly string[]): string[] {
  return ["type", "lines", "first", String(first), "lines", json.join("\n")];
}

/** A decoded stream entry: lines `first..first+json.length-1` as JSON, or a status change. */
export type TLogEntry =
  | { type: "lines"; first: number; json: string[] }
  | { type: "status"; seq: number; status: TOperationStatus; error: string | null };

export function decodeLogEntry(id: string, fields: readonly string[]): TLogEntry | undefined {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
  const seq = seqOfEntryId(id);
  const type = map.get("type");
  if (type === "lines") {
    const first = Number(map.get("first"));
    const json = (map.get("lines") ?? "").split("\n");
    // A malformed entry (wrong count for its id) is skipped rather than mis-numbered.
    if (!Number.isInteger(first) || first + json.length - 1 !== seq) return undefined;
    return { type: "lines", first, json };
  }
  if (type === "line") {
    // One line per entry, as workers before batching wrote it (streams live a day after a run).
    const stream = ZLogStreamSchema.safeParse(map.get("stream"));
    if (!stream.success) return undefined;
    const stage = map.get("stage");
    const line = { seq, stream: stream.data, text: map.get("text") ?? "", at: map.get("at") ?? "" };
    return { type: "lines", first: seq, json: [lineJson(stage ? { ...line, stage } : line)] };
  }
  const status = ZOperationStatusSchema.safeParse(map.get("status"));
  if (!status.success) return undefined;
  return { type: "status", seq, status: status.data, error: map.get("error") || null };
}

/** The operation has stopped writing: finished, or blocked until the operator resumes it. */
export function isFinalStatus(status: TOperationStatus): boolean {
  return status === "succeeded" || status === "failed" || status === "blocked" || status === "cancelled";
}

/** Long lines are cut so one runaway line cannot bloat Redis, the database or the browser. */
export const MAX_LINE_LENGTH = 8192;
