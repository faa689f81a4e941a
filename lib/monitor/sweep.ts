import type { Queue } from "bullmq";
import { db } from "../db";
import { MONITOR_JOBS } from "../queue/jobs";

/** The id of the one job scheduler behind the monitor, whichever worker upserted it last. */
export const HEALTH_SWEEP_SCHEDULER = "health-sweep";

/**
 * Makes the sweep run once every `intervalMs`, however many workers there are: a BullMQ job
 * scheduler is one entry in Redis, so each worker upserting it at start-up replaces it (a changed
 * interval takes effect) instead of adding another.
 */
export async function scheduleHealthSweep(queue: Queue, intervalMs: number): Promise<void> {
  await queue.upsertJobScheduler(
    HEALTH_SWEEP_SCHEDULER,
    { every: intervalMs },
    { name: MONITOR_JOBS.sweep, data: {}, opts: { removeOnComplete: true, removeOnFail: 50 } },
  );
}

/** The job id of a deployment's probe: while one is waiting or running, adding another is a no-op. */
export function probeJobId(deploymentId: string): string {
  return `health-probe-${deploymentId}`;
}

/**
 * One sweep: a probe job per running deployment, so the probes spread over the workers, and the
 * deletion of metric samples older than the retention. A deployment whose previous probe has not
 * finished (a slow host) is not probed twice at once.
 */
export async function sweepRunningDeployments(
  queue: Queue,
  retentionHours: number,
  now = new Date(),
): Promise<{ probes: number; deletedSamples: number }> {
  const running = await db().deployment.findMany({ where: { status: "running" }, select: { id: true } });
  if (running.length > 0)
    await queue.addBulk(
      running.map(({ id }) => ({
        name: MONITOR_JOBS.probe,
        data: { deploymentId: id },
        opts: { jobId: probeJobId(id), removeOnComplete: true, removeOnFail: true, attempts: 1 },
      })),
    );
  const { count } = await db().metricSample.deleteMany({
    where: { at: { lt: new Date(now.getTime() - retentionHours * 3_600_000) } },
  });
  return { probes: running.length, deletedSamples: count };
}
