import { db } from "../db";
import { AppError } from "../errors";
import type { TOperationKind, TOperationView } from "./schema";

const operationViewSelect = {
  id: true,
  kind: true,
  status: true,
  error: true,
  params: true,
  result: true,
  lineCount: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  host: { select: { id: true, name: true, address: true, port: true, username: true } },
} as const;

type TOperationRow = {
  id: string;
  kind: TOperationView["kind"];
  status: TOperationView["status"];
  error: string | null;
  params: unknown;
  result: unknown;
  lineCount: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  host: TOperationView["host"];
};

function toOperationView(op: TOperationRow): TOperationView {
  return {
    ...op,
    params: (op.params as Record<string, unknown> | null) ?? null,
    result: (op.result as Record<string, unknown> | null) ?? null,
    createdAt: op.createdAt.toISOString(),
    startedAt: op.startedAt?.toISOString() ?? null,
    finishedAt: op.finishedAt?.toISOString() ?? null,
  };
}

export async function getOperation(id: string): Promise<TOperationView> {
  const op = await db().operation.findUnique({ where: { id }, select: operationViewSelect });
  if (!op) throw new AppError("not_found", "No such operation");
  return toOperationView(op);
}

/** A host's latest operations, newest first; of one kind when asked. */
export async function listHostOperations(
  hostId: string,
  opts: { kind?: TOperationKind; take?: number } = {},
): Promise<TOperationView[]> {
  const ops = await db().operation.findMany({
    where: { hostId, ...(opts.kind ? { kind: opts.kind } : {}) },
    select: operationViewSelect,
    orderBy: { createdAt: "desc" },
    take: opts.take ?? 20,
  });
  return ops.map(toOperationView);
}
