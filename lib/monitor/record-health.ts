import { db } from "../db";
import type { THealthStatus, THealthVerdict } from "../metrics/health-status";
import { notifyDeploymentEvent } from "../webhooks/notify";

/**
 * Stores a poll's verdict on the deployment. When the status differs from the stored one, records
 * a HealthEvent and announces it to webhooks, in that order, once: the row is locked while it is
 * compared, so two probes finishing together cannot both record the same change. The first verdict
 * of a deployment is recorded too, but announced only when it is not healthy (the pipeline has just
 * announced it running). Returns the change, or null.
 */
export async function recordHealth(
  deploymentId: string,
  verdict: THealthVerdict,
  at: Date,
): Promise<{ from: THealthStatus | null; to: THealthStatus } | null> {
  const change = await db().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ health: THealthStatus | null; status: string }[]>`
      SELECT health::text AS health, status::text AS status FROM "Deployment" WHERE id = ${deploymentId} FOR UPDATE`;
    const row = rows[0];
    // Stopped, undeployed or being restarted while this probe ran: its verdict no longer applies.
    if (row?.status !== "running") return null;
    const acting = await tx.deploymentAction.count({ where: { deploymentId, active: true } });
    if (acting > 0) return null;
    const changed = row.health !== verdict.status;
    await tx.deployment.update({
      where: { id: deploymentId },
      data: {
        health: verdict.status,
        healthReason: verdict.reason,
        healthCheckedAt: at,
        ...(changed ? { healthSince: at } : {}),
      },
    });
    if (!changed) return null;
    await tx.healthEvent.create({
      data: { deploymentId, status: verdict.status, previous: row.health, reason: verdict.reason, at },
    });
    return { from: row.health, to: verdict.status };
  });
  if (change && (change.from !== null || change.to !== "healthy")) {
    await notifyDeploymentEvent({
      type: "deployment.health_changed",
      deploymentId,
      from: change.from ?? "unknown",
      to: change.to,
      reason: verdict.reason,
    });
  }
  return change;
}
