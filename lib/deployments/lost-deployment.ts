import { db } from "../db";
import { transition } from "../operations/state";
import { notifyDeploymentEvent } from "../webhooks/notify";
import { wakeNextDeployment } from "./wake-next";

/** A deploy job that BullMQ gave up on (its worker died too often): end the deployment clearly. */
export async function failLostDeployment(operationId: string, reason: string): Promise<void> {
  const dep = await db().deployment.findUnique({
    where: { operationId },
    select: { id: true, hostId: true, status: true, stage: true },
  });
  if (!dep || (dep.status !== "deploying" && dep.status !== "queued")) return;
  const error = `The worker running this deployment was lost during ${dep.stage ?? "its start"}: ${reason}`;
  await db().deployment.update({
    where: { id: dep.id },
    data: { status: "failed", error, finishedAt: new Date() },
  });
  if (dep.stage)
    await db().deploymentStage.updateMany({
      where: { deploymentId: dep.id, name: dep.stage, status: "running" },
      data: { status: "failed", detail: error, finishedAt: new Date() },
    });
  // The host, or the head of its line, is free again: the next deployment queued for it starts now.
  await wakeNextDeployment(dep.hostId);
  for (const from of ["running", "queued"] as const)
    if (await transition(db(), operationId, from, "failed", { error })) break;
  await notifyDeploymentEvent({ type: "deployment.failed", deploymentId: dep.id, reason: error });
}
