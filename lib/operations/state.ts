import type { Prisma, PrismaClient } from "../generated/prisma/client";
import type { TOperationStatus } from "../logs/line";

/** The only moves an operation's status may make; every write goes through `transition`. */
const ALLOWED: Record<TOperationStatus, readonly TOperationStatus[]> = {
  queued: ["running", "failed"],
  running: ["succeeded", "failed", "blocked"],
  succeeded: [],
  failed: [],
  // Waiting for the operator; Re-check queues it again.
  blocked: ["queued", "failed"],
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
      ...(to === "succeeded" || to === "failed" ? { finishedAt: now } : {}),
      ...(data.error !== undefined ? { error: data.error } : {}),
      ...(data.result !== undefined ? { result: data.result } : {}),
    },
  });
  return count === 1;
}
