import { DelayedError, type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import { disconnectDb } from "@/lib/db";
import { failLostDeploymentAction, runDeploymentAction } from "@/lib/deployments/lifecycle-run";
import { failLostDeployment } from "@/lib/deployments/lost-deployment";
import { runDeployment } from "@/lib/deployments/run-deployment";
import { lookAgainIfHostFreed } from "@/lib/deployments/wake-next";
import { env } from "@/lib/env";
import { runLoadTest } from "@/lib/load-test/run-load-test";
import { handleMonitorJob } from "@/lib/monitor/handle-job";
import { closeMonitorQueue, monitorQueue } from "@/lib/monitor/queue";
import { HEALTH_SWEEP_SCHEDULER, scheduleHealthSweep } from "@/lib/monitor/sweep";
import { runHostCheck } from "@/lib/operations/run-host-check";
import { runPrerequisites } from "@/lib/operations/run-prerequisites";
import { startHeartbeat } from "@/lib/ops/heartbeat";
import { recordJobDuration } from "@/lib/ops/job-durations";
import { logEvent } from "@/lib/ops/log";
import { endPgPool, warmPgPool } from "@/lib/pg-pool";
import { isLatestJob } from "@/lib/queue/enqueue";
import { isJobName, isMonitorJobName, jobSchemas, MONITOR_QUEUE, OPERATIONS_QUEUE } from "@/lib/queue/jobs";
import { createRedis } from "@/lib/redis";
import { SshPool } from "@/lib/ssh";
import { startWebhookWorker } from "@/lib/webhooks/worker";
import type { WorkerContext } from "./context";

/** The worker process: a separate process from the web app, scaled by starting more of them. */
const settings = env();
const connection = createRedis("blocking");
const logRedis = createRedis("blocking");
const context: WorkerContext = {
  redis: logRedis,
  ssh: new SshPool({
    connectTimeoutMs: settings.WEBOPS_SSH_CONNECT_TIMEOUT_MS,
    keepaliveMs: settings.WEBOPS_SSH_KEEPALIVE_MS,
    maxChannels: settings.WEBOPS_SSH_MAX_CHANNELS,
    idleMs: settings.WEBOPS_SSH_IDLE_MS,
  }),
};

async function processJob(job: Job, token?: string): Promise<void> {
  // A sweep or probe queued here by an older version (before the monitor had its own queue).
  if (isMonitorJobName(job.name)) return handleMonitorJob(job.name, job.data, context);
  if (!isJobName(job.name)) throw new UnrecoverableError(`Unknown job ${job.name}`);
  // A payload that fails validation will never pass: fail it without retrying.
  const parsed = jobSchemas[job.name].safeParse(job.data);
  if (!parsed.success)
    throw new UnrecoverableError(`Invalid payload for ${job.name}: ${parsed.error.message}`);
  switch (job.name) {
    case "host-check":
      return runHostCheck(parsed.data.operationId, context);
    case "prerequisites":
      return runPrerequisites(parsed.data.operationId, context);
    case "deploy": {
      // A job left from before a cancel and a retry: the retry's own job runs the deployment.
      if (job.id && !(await isLatestJob(parsed.data.operationId, job.id))) {
        logEvent("info", "stale job skipped", {
          ...jobFields(job),
          reason: "the operation was queued again",
        });
        return;
      }
      // One deployment at a time per host: a job whose host is busy waits in line and looks again soon.
      if ((await runDeployment(parsed.data.operationId, context)) === "wait-for-host") {
        await job.moveToDelayed(Date.now() + settings.WEBOPS_HOST_QUEUE_POLL_MS, token);
        await lookAgainIfHostFreed(parsed.data.operationId);
        throw new DelayedError();
      }
      return;
    }
    case "load-test":
      return runLoadTest(parsed.data.operationId, context);
    case "deployment-action":
      return runDeploymentAction(parsed.data.operationId, context);
  }
}

const worker = new Worker(OPERATIONS_QUEUE, processJob, {
  connection,
  concurrency: settings.WEBOPS_WORKER_CONCURRENCY,
  // A job whose worker died is taken up again by another worker after this long.
  lockDuration: settings.WEBOPS_JOB_LOCK_MS,
  stalledInterval: settings.WEBOPS_JOB_LOCK_MS,
  maxStalledCount: 2,
});

worker.on("ready", () => logEvent("info", "worker ready", { queue: OPERATIONS_QUEUE, pid: process.pid }));
void warmPgPool();
const stopHeartbeat = startHeartbeat(createRedis("producer"), settings.WEBOPS_WORKER_CONCURRENCY);
const metricsRedis = createRedis("producer");

/** The job's fields for a log line: its name, id, operation and the request that queued it. */
function jobFields(job: Job | undefined): Record<string, unknown> {
  const data = (job?.data ?? {}) as { operationId?: unknown; requestId?: unknown };
  return { job: job?.name, jobId: job?.id, operationId: data.operationId, requestId: data.requestId };
}

/** Retries `work` every 2 s for up to 2 minutes: ending a lost run must outlast a database restart. */
async function untilReachable(work: () => Promise<void>): Promise<void> {
  const end = Date.now() + 120_000;
  for (;;) {
    try {
      return await work();
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

function recordDuration(job: Job | undefined, outcome: "completed" | "failed"): void {
  if (!job?.processedOn || !job.finishedOn) return;
  recordJobDuration(metricsRedis, job.name, outcome, (job.finishedOn - job.processedOn) / 1000).catch(
    () => undefined,
  );
}

worker.on("active", (job) => logEvent("info", "job started", jobFields(job)));
worker.on("completed", (job) => {
  logEvent("info", "job completed", jobFields(job));
  recordDuration(job, "completed");
});
worker.on("failed", (job, err) => {
  const retrying =
    job !== undefined && job.attemptsMade < (job.opts.attempts ?? 1) && !(err instanceof UnrecoverableError);
  logEvent("error", retrying ? "job failed; it will be tried again" : "job failed", {
    ...jobFields(job),
    attempt: job?.attemptsMade,
    error: err.message,
  });
  if (retrying) return;
  recordDuration(job, "failed");
  // BullMQ gave up on the job (e.g. its workers kept dying): the deployment must not stay "deploying".
  const operationId = (job?.data as { operationId?: unknown } | undefined)?.operationId;
  if (job?.name === "deploy" && typeof operationId === "string")
    untilReachable(() => failLostDeployment(operationId, err.message)).catch((e: Error) =>
      console.error(
        JSON.stringify({ level: "error", msg: "could not end a lost deployment", error: e.message }),
      ),
    );
  if (job?.name === "deployment-action" && typeof operationId === "string")
    untilReachable(() => failLostDeploymentAction(operationId, err.message)).catch((e: Error) =>
      console.error(JSON.stringify({ level: "error", msg: "could not end a lost action", error: e.message })),
    );
});
// The health monitor on its own queue and slots: every worker upserts the same scheduler, so the
// sweep runs once per interval; the probes it fans out spread over the workers.
const monitorWorker = new Worker(
  MONITOR_QUEUE,
  async (job: Job) => {
    if (!isMonitorJobName(job.name)) throw new UnrecoverableError(`Unknown monitor job ${job.name}`);
    return handleMonitorJob(job.name, job.data, context);
  },
  { connection: createRedis("blocking"), concurrency: settings.WEBOPS_MONITOR_CONCURRENCY },
);
monitorWorker.on("error", (err) => logEvent("error", "monitor worker error", { error: err.message }));
monitorWorker.on("failed", (job, err) =>
  logEvent("warn", "monitor job failed", { job: job?.name, error: err.message }),
);
// The scheduler that lived on the operations queue before the monitor had its own.
const legacyRedis = createRedis("producer");
const legacy = new Queue(OPERATIONS_QUEUE, { connection: legacyRedis });
legacy
  .removeJobScheduler(HEALTH_SWEEP_SCHEDULER)
  .catch(() => undefined)
  .finally(() =>
    legacy.close().then(
      () => legacyRedis.disconnect(),
      () => legacyRedis.disconnect(),
    ),
  );
scheduleHealthSweep(monitorQueue(), settings.WEBOPS_HEALTH_INTERVAL_MS).catch((e: Error) =>
  console.error(
    JSON.stringify({ level: "error", msg: "could not schedule the health monitor", error: e.message }),
  ),
);
worker.on("error", (err) =>
  console.error(JSON.stringify({ level: "error", msg: "worker error", error: err.message })),
);
// Outgoing webhooks on their own queue, so a slow receiver never takes a deployment's slot.
const webhookWorker = startWebhookWorker(createRedis("blocking"));

async function shutdown(signal: string): Promise<void> {
  logEvent("info", "worker stopping", { signal });
  await stopHeartbeat();
  metricsRedis.disconnect();
  await worker.close();
  await monitorWorker.close();
  await webhookWorker.close();
  await closeMonitorQueue();
  await context.ssh.close();
  logRedis.disconnect();
  await endPgPool();
  await disconnectDb();
  process.exit(0);
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
