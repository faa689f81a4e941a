import { db } from "../db";
import { AppError } from "../errors";
import { enqueue } from "../queue/enqueue";
import { transition } from "./state";

/** Records a host check and queues it; returns the operation id the browser follows. */
export async function startHostCheck(hostId: string): Promise<{ operationId: string }> {
  const host = await db().host.findUnique({
    where: { id: hostId },
    select: { id: true, name: true, disabled: true },
  });
  if (!host) throw new AppError("not_found", "No such host");
  if (host.disabled) throw new AppError("conflict", `${host.name} is disabled; enable it to check it`);
  const op = await db().operation.create({ data: { kind: "host_check", hostId }, select: { id: true } });
  try {
    await enqueue("host-check", { operationId: op.id });
  } catch (err) {
    await transition(db(), op.id, "queued", "failed", {
      error: "The job queue (Redis) is not reachable; the check was not queued.",
    });
    throw new AppError(
      "unavailable",
      `The job queue is not reachable: ${(err as Error).message}. Is Redis running?`,
    );
  }
  return { operationId: op.id };
}
