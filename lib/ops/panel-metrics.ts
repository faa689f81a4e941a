import { Queue } from "bullmq";
import { db } from "../db";
import { MONITOR_QUEUE, OPERATIONS_QUEUE } from "../queue/jobs";
import { redis } from "../redis";
import { WEBHOOKS_QUEUE } from "../webhooks/queue";
import { liveWorkers } from "./heartbeat";
import { jobDurationSamples } from "./job-durations";
import { exposition, type TMetricFamily } from "./prometheus";
import { sseClients } from "./sse-clients";

const STATES = [
  "waiting",
  "active",
  "delayed",
  "prioritized",
  "waiting-children",
  "completed",
  "failed",
] as const;

const globalForQueues = globalThis as unknown as { webopsMetricQueues?: Queue[] };

function queues(): Queue[] {
  globalForQueues.webopsMetricQueues ??= [OPERATIONS_QUEUE, MONITOR_QUEUE, WEBHOOKS_QUEUE].map(
    (name) => new Queue(name, { connection: redis() }),
  );
  return globalForQueues.webopsMetricQueues;
}

/** The panel's own metrics, read at scrape time from Redis (BullMQ, heartbeats, job durations) and PostgreSQL. */
export async function panelMetrics(): Promise<string> {
  const [counts, statuses, durations, workers] = await Promise.all([
    Promise.all(queues().map(async (q) => ({ queue: q.name, counts: await q.getJobCounts(...STATES) }))),
    db().deployment.groupBy({ by: ["status"], _count: { _all: true } }),
    jobDurationSamples(redis()),
    liveWorkers(redis()),
  ]);
  const families: TMetricFamily[] = [
    {
      name: "webops_jobs",
      help: "Jobs in each BullMQ queue by state (completed and failed are those still kept).",
      type: "gauge",
      samples: counts.flatMap(({ queue, counts }) =>
        STATES.map((state) => ({ labels: { queue, state }, value: counts[state] ?? 0 })),
      ),
    },
    {
      name: "webops_queue_depth",
      help: "Jobs waiting to run in each queue (waiting, prioritized and delayed).",
      type: "gauge",
      samples: counts.map(({ queue, counts }) => ({
        labels: { queue },
        value: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
      })),
    },
    {
      name: "webops_deployments",
      help: "Deployments by status (the outcome of finished ones).",
      type: "gauge",
      samples: statuses.map((s) => ({ labels: { status: s.status }, value: s._count._all })),
    },
    {
      name: "webops_job_duration_seconds",
      help: "How long jobs ran, by job name and outcome, across every worker.",
      type: "histogram",
      samples: durations,
    },
    {
      name: "webops_workers",
      help: "Worker processes with a heartbeat in the last 15 seconds.",
      type: "gauge",
      samples: [{ value: workers.length }],
    },
    {
      name: "webops_sse_clients",
      help: "Live log and status event streams open on this web app process.",
      type: "gauge",
      samples: [{ value: sseClients() }],
    },
  ];
  return exposition(families);
}
