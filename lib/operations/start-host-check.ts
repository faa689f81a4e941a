import { db } from "../db";
import { AppError } from "../errors";
import { queueOperation } from "./queue-operation";

/** Records a host check and queues it; returns the operation id the browser follows. */
export async function startHostCheck(
  hostId: string,
  createdBy: string | null = null,
): Promise<{ operationId: string }> {
  const host = await db().host.findUnique({
    where: { id: hostId },
    select: { id: true, name: true, disabled: true },
  });
  if (!host) throw new AppError("not_found", "No such host");
  if (host.disabled) throw new AppError("conflict", `${host.name} is disabled; enable it to check it`);
  const op = await db().operation.create({
    data: { kind: "host_check", hostId, createdBy },
    select: { id: true },
  });
  await queueOperation("host-check", op.id, { what: "check" });
  return { operationId: op.id };
}
