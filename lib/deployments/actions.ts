import { db } from "../db";
import { AppError } from "../errors";
import { queueOperation } from "../operations/queue-operation";
import { continueLog } from "../operations/runner";
import { transition } from "../operations/state";
import { redis } from "../redis";
import { createDeployment } from "./create-deployment";
import type { TDeploymentSpec } from "./schema";
import { withSecrets } from "./secrets";
import { wakeNextDeployment } from "./wake-next";

async function find(id: string) {
  const dep = await db().deployment.findUnique({ where: { id } });
  if (!dep) throw new AppError("not_found", "No such deployment");
  return dep;
}

/**
 * Cancel: a queued deployment ends at once; a deploying one is marked, and its worker stops the remote
 * process group within about a second and ends it `cancelled`.
 */
export async function cancelDeployment(id: string): Promise<{ status: "cancelled" | "cancelling" }> {
  const dep = await find(id);
  if (dep.status === "queued" || dep.status === "blocked") {
    const error =
      dep.status === "queued"
        ? "Cancelled by an operator before it started"
        : "Cancelled by an operator while blocked";
    const { count } = await db().deployment.updateMany({
      where: { id, status: dep.status },
      data: { status: "cancelled", error, finishedAt: new Date() },
    });
    if (count !== 1) return cancelDeployment(id);
    await transition(db(), dep.operationId, dep.status, "cancelled", { error });
    const log = await continueLog(dep.operationId, redis());
    log.system(`${error}.`);
    log.status("cancelled", error);
    await log.close();
    // The head of its host's line may have gone: the next one starts if it can.
    await wakeNextDeployment(dep.hostId);
    return { status: "cancelled" };
  }
  if (dep.status === "deploying") {
    await db().deployment.update({ where: { id }, data: { cancelRequestedAt: new Date() } });
    return { status: "cancelling" };
  }
  throw new AppError("conflict", `This deployment is ${dep.status}; there is nothing to cancel`);
}

/** Retry: a failed, blocked or cancelled deployment goes back in line and resumes from the stage that stopped. */
export async function retryDeployment(id: string): Promise<void> {
  const dep = await find(id);
  if (dep.status !== "failed" && dep.status !== "blocked" && dep.status !== "cancelled")
    throw new AppError(
      "conflict",
      `This deployment is ${dep.status}; only a failed, blocked or cancelled one can be retried`,
    );
  const op = await db().operation.findUniqueOrThrow({
    where: { id: dep.operationId },
    select: { status: true },
  });
  if (op.status !== "failed" && op.status !== "blocked" && op.status !== "cancelled")
    throw new AppError("conflict", "This deployment's last run has not ended yet");
  const { count } = await db().deployment.updateMany({
    where: { id, status: dep.status },
    data: { status: "queued", error: null, cancelRequestedAt: null, finishedAt: null },
  });
  if (count !== 1) throw new AppError("conflict", "This deployment was retried already");
  await db().deploymentStage.updateMany({
    where: { deploymentId: id, status: { in: ["failed", "cancelled", "running"] } },
    data: { status: "pending", detail: null, startedAt: null, finishedAt: null },
  });
  await transition(db(), dep.operationId, op.status, "queued", { error: null });
  try {
    await queueOperation("deploy", dep.operationId, { attempt: Date.now(), what: "retry" });
  } catch (err) {
    await db().deployment.update({
      where: { id },
      data: {
        status: "failed",
        error: "The job queue (Redis) is not reachable; the retry was not queued.",
        finishedAt: new Date(),
      },
    });
    throw err;
  }
}

/**
 * Redeploy: a new deployment with the same settings (secrets included) in the same folder on the host,
 * so stages whose work is already in place are skipped.
 */
export async function redeployDeployment(
  id: string,
  createdBy: string | null = null,
): Promise<{ id: string; operationId: string }> {
  const dep = await find(id);
  const spec = withSecrets(dep.id, dep.spec as unknown as TDeploymentSpec, dep);
  return createDeployment(spec, { redeployOf: { id: dep.id, dirId: dep.dirId }, createdBy });
}
