import { Queue } from "bullmq";
import { env } from "../env";
import { currentRequestId } from "../ops/request-context";
import { redis } from "../redis";
import { jobSchemas, OPERATIONS_QUEUE, type TJobName, type TJobPayload } from "./jobs";

const globalForQueue = globalThis as unknown as { webopsQueue?: Queue };

function operationsQueue(): Queue {
  globalForQueue.webopsQueue ??= new Queue(OPERATIONS_QUEUE, { connection: redis() });
  return globalForQueue.webopsQueue;
}

/**
 * Adds a job; the job id is the operation id (and the attempt, for a resumed operation), so
 * enqueueing the same attempt twice never runs the work twice.
 */
export async function enqueue<N extends TJobName>(
  name: N,
  payload: TJobPayload<N>,
  attempt = 0,
): Promise<void> {
  const data = jobSchemas[name].parse(payload);
  // The request that queued it (when there is one), for the worker's log lines about the job.
  const requestId = currentRequestId();
  await operationsQueue().add(name, requestId ? { ...data, requestId } : data, {
    jobId: attempt === 0 ? data.operationId : `${data.operationId}-${attempt}`,
    // A run that throws met the panel's own services failing (a stage's failure is recorded, not
    // thrown): it is tried again, and resumes from its stage, once PostgreSQL or Redis is back.
    attempts: env().WEBOPS_JOB_ATTEMPTS,
    backoff: { type: "exponential", delay: env().WEBOPS_JOB_RETRY_MS },
    removeOnComplete: { age: 7 * 86_400 },
    removeOnFail: { age: 30 * 86_400 },
  });
}

/**
 * Moves a job that waits in the delayed set (a deployment whose host was busy looks again after
 * WEBOPS_HOST_QUEUE_POLL_MS) to the front now. No-op when the job is not delayed.
 */
export async function promoteDelayed(jobId: string): Promise<void> {
  // promote() itself refuses a job that is not delayed (running, or already waiting).
  const job = await operationsQueue().getJob(jobId);
  await job?.promote().catch(() => undefined);
}
