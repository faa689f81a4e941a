import { db } from "../db";
import { promoteDelayed } from "../queue/enqueue";
import { hostHasRoom } from "./host-slots";

/**
 * A host became free (a deployment or an action on it ended): the oldest deployment queued for it
 * starts now instead of at its next look (WEBOPS_HOST_QUEUE_POLL_MS), so the queue costs
 * milliseconds, not a polling interval. Best effort: the poll still comes if this fails.
 */
export async function wakeNextDeployment(hostId: string): Promise<void> {
  try {
    const next = await db().deployment.findFirst({
      where: { hostId, status: "queued" },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { operationId: true },
    });
    if (next) await promoteDelayed(next.operationId);
  } catch {
    // The next look of the waiting job picks it up.
  }
}

/**
 * The next deployment queued for the host starts now if the host still has a free place (after a
 * claim on a host that allows several at once, the next in line need not wait for a release).
 */
export async function wakeNextIfRoom(hostId: string): Promise<void> {
  try {
    if (await hostHasRoom(hostId)) await wakeNextDeployment(hostId);
  } catch {
    // The waiting job's next look picks it up.
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
    if (dep) await wakeNextIfRoom(dep.hostId);
  } catch {
    // The waiting job's next look picks it up.
  }
}
