import { db } from "../db";
import { AppError } from "../errors";
import { enqueue } from "../queue/enqueue";
import type { TJobName } from "../queue/jobs";
import { transition } from "./state";

/**
 * Puts a queued operation's job on the queue. When Redis cannot take it, the operation fails at once
 * with the reason (never left "queued" forever) and the caller gets a 503-class error.
 */
export async function queueOperation(
  job: TJobName,
  operationId: string,
  opts: { attempt?: number; what?: string } = {},
): Promise<void> {
  try {
    await enqueue(job, { operationId }, opts.attempt ?? 0);
  } catch (err) {
    await transition(db(), operationId, "queued", "failed", {
      error: `The job queue (Redis) is not reachable; the ${opts.what ?? "run"} was not queued.`,
    });
    throw new AppError(
      "unavailable",
      `The job queue is not reachable: ${(err as Error).message}. Is Redis running?`,
    );
  }
}
