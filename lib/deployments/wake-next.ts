import { db } from "../db";
import { promoteDelayed } from "../queue/enqueue";

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
