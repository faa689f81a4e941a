import type { Prisma, PrismaClient } from "../generated/prisma/client";
import type { TOperationStatus } from "../logs/line";

/** The only moves an operation's status may make; every write goes through `transition`. */
const ALLOWED: Record<TOperationStatus, readonly TOperationStatus[]> = {
  queued: ["running", "failed", "cancelled"],
  running: ["succeeded", "failed", "blocked", "cancelled"],
  succeeded: [],
  // Retry (deployments) queues a failed run again, to go on from the failed stage on the same log.
  failed: ["queued"],
  // Waiting for the operator; Re-check queues it again.
  blocked: ["queued", "failed", "cancelled"],
  // Retry (deployments) after a cancel.
  cancelled: ["queued"],
};

export function canTransition(from: TOperationStatus, to: TOperationStatus): boolean {
  return ALLOWED[from].includes(to);
}

interface TransitionData {
  error?: string | null;
  result?: Prisma.InputJsonObject;
}

/** Moves an operation from one status to another; false when another writer got there first. */
export async function transition(
  db: PrismaClient,
  operationId: string,
  from: TOperationStatus,
  to: TOperationStatus,
  data: TransitionData = {},
): Promise<boolean> {
  if (!canTransition(from, to)) throw new Error(`Operation status cannot go from ${from} to ${to}`);
  const now = new Date();
  const { count } = await db.operation.updateMany({
    where: { id: operationId, status: from },
    data: {
      status: to,
      ...(to === "running" ? { startedAt: now } : {}),
      ...(to === "succeeded" || to === "failed" || to === "cancelled" ? { finishedAt: now } : {}),
      ...(to === "queued" ? { finishedAt: null } : {}),
      ...(data.error !== undefined ? { error: data.error } : {}),
      ...(data.result !== undefined ? { result: data.result } : {}),
    },
  });
  return count === 1;
}
