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
  const jobId = attempt === 0 ? data.operationId : `${data.operationId}-${attempt}`;
  // Before the job exists: a key naming a job that was never added is harmless, a job a wake-up
  // cannot find waits for its next look.
  if (attempt !== 0 && name === "deploy") await rememberLatestJob(data.operationId, jobId);
  await operationsQueue().add(name, requestId ? { ...data, requestId } : data, {
    jobId,
    // A run that throws met the panel's own services failing (a stage's failure is recorded, not
    // thrown): it is tried again, and resumes from its stage, once PostgreSQL or Redis is back.
    attempts: env().WEBOPS_JOB_ATTEMPTS,
    backoff: { type: "exponential", delay: env().WEBOPS_JOB_RETRY_MS },
    removeOnComplete: { age: 7 * 86_400 },
    removeOnFail: { age: 30 * 86_400 },
  });
}

/** The id of an operation's latest job, when it is not the operation's id (a retry's, a resume's). */
function latestJobKey(operationId: string): string {
  return `webops:opjob:${operationId}`;
}

/** A retried or resumed operation's job has an id of its own: a wake-up finds it through this. */
async function rememberLatestJob(operationId: string, jobId: string): Promise<void> {
  await redis().set(latestJobKey(operationId), jobId, "EX", 30 * 86_400);
}

/**
 * Moves an operation's job that waits in the delayed set (a deployment whose host was busy looks
 * again after WEBOPS_HOST_QUEUE_POLL_MS) to the front now: its latest job (a retry's, or else its
 * first). No-op when that one is not delayed.
 */
export async function promoteDelayed(operationId: string): Promise<void> {
  // promote() itself refuses a job that is not delayed (running, or already waiting, or done).
  const promote = async (jobId: string) => {
    const job = await operationsQueue().getJob(jobId);
    return job
      ? job.promote().then(
          () => true,
          () => false,
        )
      : false;
  };
  // Only the latest: a retried operation's first job may still wait too (it waited for its host
  // when the deployment was cancelled), but it is stale, and the worker would end it unrun.
  const latest = await redis().get(latestJobKey(operationId));
  await promote(latest ?? operationId);
}

/**
 * Whether a job is its operation's latest: the first job, unless the operation was queued again
 * under a job id of its own (a retry). A deploy job that is not the latest is stale: the deployment
 * it was queued for was cancelled and retried while it waited, and the retry's job runs it.
 */
export async function isLatestJob(operationId: string, jobId: string): Promise<boolean> {
  const latest = await redis().get(latestJobKey(operationId));
  return (latest ?? operationId) === jobId;
}
