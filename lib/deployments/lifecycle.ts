import { db } from "../db";
import { AppError, validationError } from "../errors";
import type { Prisma } from "../generated/prisma/client";
import { queueOperation } from "../operations/queue-operation";
import { lockHost } from "./host-slots";
import {
  lifecycleRefusal,
  OPERATION_KIND_OF,
  type TLifecycleAction,
  type TLifecycleSubject,
  ZUndeployOptionsSchema,
} from "./lifecycle-rules";

export interface TLifecycleRequest {
  actionId: string;
  operationId: string;
  action: TLifecycleAction;
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === "P2002" || /DeploymentAction_one_active_per_host|23505|unique/i.test(e.message ?? "");
}

async function subjectOf(dep: {
  id: string;
  hostId: string;
  dirId: string;
  status: string;
  createdAt: Date;
  result: Prisma.JsonValue;
}): Promise<TLifecycleSubject> {
  const later = await db().deployment.findFirst({
    where: {
      hostId: dep.hostId,
      dirId: dep.dirId,
      id: { not: dep.id },
      createdAt: { gt: dep.createdAt },
      OR: [{ startedAt: { not: null } }, { status: { in: ["queued", "deploying"] } }],
    },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  const undeployed = (dep.result as { undeployed?: { removeEnvironment?: boolean } } | null)?.undeployed;
  return {
    status: dep.status,
    folderTakenBy: later?.id ?? null,
    environmentRemoved: undeployed?.removeEnvironment === true,
  };
}

/**
 * Asks for a stop, start, restart or undeploy: checks that it fits the deployment's state and that
 * nothing else changes the host now (one mutation per host), then queues it as an operation with its
 * own log. 409 with the reason when it does not fit; 400 for a bad undeploy body.
 */
export async function requestDeploymentAction(
  deploymentId: string,
  action: TLifecycleAction,
  body: unknown = {},
  createdBy: string | null = null,
): Promise<TLifecycleRequest> {
  let params: Prisma.InputJsonObject = { deploymentId, action };
  if (action === "undeploy") {
    const parsed = ZUndeployOptionsSchema.safeParse(body ?? {});
    if (!parsed.success) throw validationError(parsed.error.issues, "The undeploy options are not valid");
    params = { ...params, ...parsed.data };
  }
  const dep = await db().deployment.findUnique({
    where: { id: deploymentId },
    include: { host: { select: { id: true, name: true, disabled: true } } },
  });
  if (!dep) throw new AppError("not_found", "No such deployment");
  const refusal = lifecycleRefusal(action, await subjectOf(dep));
  if (refusal) throw new AppError("conflict", refusal);
  if (dep.host.disabled) throw new AppError("conflict", `${dep.host.name} is disabled; enable it first`);
  let created: { id: string; operationId: string };
  try {
    created = await db().$transaction(async (tx) => {
      // Under the host's lock: a worker claiming the host for a deployment waits for this, or this for it.
      await lockHost(tx, dep.hostId);
      const busy = await tx.deployment.findFirst({
        where: { hostId: dep.hostId, status: { in: ["queued", "deploying"] } },
        select: { id: true, status: true },
      });
      if (busy)
        throw new AppError(
          "conflict",
          `Deployment ${busy.id} is ${busy.status} on ${dep.host.name}; one change per host at a time, so try again when it ends`,
        );
      const op = await tx.operation.create({
        data: { kind: OPERATION_KIND_OF[action], hostId: dep.hostId, params, createdBy },
        select: { id: true },
      });
      return tx.deploymentAction.create({
        data: { deploymentId, operationId: op.id, hostId: dep.hostId, createdBy },
        select: { id: true, operationId: true },
      });
    });
  } catch (err) {
    // The busy refusal from inside the transaction, as it is (a host named "unique-..." is no violation).
    if (err instanceof AppError) throw err;
    if (isUniqueViolation(err))
      throw new AppError(
        "conflict",
        `Another stop, start, restart or undeploy is running on ${dep.host.name}; try again when it ends`,
      );
    throw err;
  }
  try {
    await queueOperation("deployment-action", created.operationId, { what: action });
  } catch (err) {
    await db().deploymentAction.update({ where: { id: created.id }, data: { active: false } });
    throw err;
  }
  return { actionId: created.id, operationId: created.operationId, action };
}

export interface TDeploymentActionView {
  id: string;
  action: TLifecycleAction;
  operationId: string;
  status: string;
  error: string | null;
  params: Record<string, unknown> | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** A deployment's stop/start/restart/undeploy history, newest first. */
export async function listDeploymentActions(
  deploymentId: string,
  take = 20,
): Promise<TDeploymentActionView[]> {
  const rows = await db().deploymentAction.findMany({
    where: { deploymentId },
    orderBy: { createdAt: "desc" },
    take,
    include: { operation: true },
  });
  return rows.map((r) => ({
    id: r.id,
    action: (Object.entries(OPERATION_KIND_OF).find(([, k]) => k === r.operation.kind)?.[0] ??
      "stop") as TLifecycleAction,
    operationId: r.operationId,
    status: r.operation.status,
    error: r.operation.error,
    params: (r.operation.params as Record<string, unknown> | null) ?? null,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.operation.startedAt?.toISOString() ?? null,
    finishedAt: r.operation.finishedAt?.toISOString() ?? null,
  }));
}
