import { db } from "../db";
import { promoteDelayed } from "../queue/enqueue";
import { nextStartable } from "./host-slots";

/**
 * Something changed on a host (an action ended, a queued deployment was cancelled, a lost one was
 * failed, a deployment took a place on a host that allows several; a run's own end looks in
 * `endRun` and calls `wake`): the deployment next in line starts now,
 * if it can, instead of at its next look (WEBOPS_HOST_QUEUE_POLL_MS), so the queue costs
 * milliseconds, not a polling interval. Best effort: the poll still comes if this fails.
 */
export async function wakeNextDeployment(hostId: string): Promise<void> {
  try {
    await wake(await nextStartable(hostId));
  } catch {
    // The next look of the waiting job picks it up.
  }
}

/** Starts the waiting job of this operation now (`endRun`'s answer); best effort, as above. */
export async function wake(operationId: string | null): Promise<void> {
  if (!operationId) return;
  try {
    await promoteDelayed(operationId);
  } catch {
    // The next look of the waiting job picks it up.
  }
}

/**
 * A deployment whose host was busy has just been put back to wait: if the host freed meanwhile
 * (between its look and now, when the wake-up found it not yet waiting and did nothing), it looks
 * again at once rather than after a whole polling interval. Either the wake-up sees it waiting or
 * this sees the host free, so no deployment sleeps through its host's release.
 */
export async function lookAgainIfHostFreed(operationId: string): Promise<void> {
  try {
    const dep = await db().deployment.findUnique({ where: { operationId }, select: { hostId: true } });
    if (dep) await wakeNextDeployment(dep.hostId);
  } catch {
    // The waiting job's next look picks it up.
  }
}
