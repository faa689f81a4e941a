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

export const ZOperationStatusSchema = z.enum(["queued", "running", "succeeded", "failed", "blocked", "cancelled"]);
export type TOperationStatus = z.infer<typeof ZOperationStatusSchema>;

/** What a live viewer receives: lines, and status changes in order with them. */
export type TLogEvent =
  | { type: "line"; line: TLogLine }
  | { type: "status"; seq: number; status: TOperationStatus; error: string | null };

/**
 * Redis stream layout, one stream per operation. Entry ids encode the line number so that a
 * viewer resumes with `XREAD ... <seq>-0`: a line is `<seq>-0`, the k-th status change after
 * line `seq` is `<seq>-<k>`.
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

/** The operation has stopped writing: finished, or blocked until the operator resumes it. */
export function isFinalStatus(status: TOperationStatus): boolean {
  return status === "succeeded" || status === "failed" || status === "blocked" || status === "cancelled";
}

/** Long lines are cut so one runaway line cannot bloat Redis, the database or the browser. */
export const MAX_LINE_LENGTH = 8192;
