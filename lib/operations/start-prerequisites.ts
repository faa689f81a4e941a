import { db } from "../db";
import { AppError } from "../errors";
import { isPrereqProfileId, PREREQ_PROFILE_IDS } from "../prerequisites/profiles";
import { enqueue } from "../queue/enqueue";
import { transition } from "./state";

async function queue(operationId: string, attempt: number): Promise<void> {
  try {
    await enqueue("prerequisites", { operationId }, attempt);
  } catch (err) {
    await transition(db(), operationId, "queued", "failed", {
      error: "The job queue (Redis) is not reachable; the run was not queued.",
    });
    throw new AppError(
      "unavailable",
      `The job queue is not reachable: ${(err as Error).message}. Is Redis running?`,
    );
  }
}

/** Records a prerequisites run (check only, or check and install) and queues it. */
export async function startPrerequisites(hostId: string, input: unknown): Promise<{ operationId: string }> {
  const body = (input ?? {}) as { profile?: unknown; mode?: unknown };
  const fields: Record<string, string> = {};
  if (!isPrereqProfileId(body.profile)) fields.profile = `One of ${PREREQ_PROFILE_IDS.join(", ")}`;
  if (body.mode !== "check" && body.mode !== "install") fields.mode = "check or install";
  if (Object.keys(fields).length > 0) throw new AppError("validation", "Some fields need attention", fields);
  const host = await db().host.findUnique({
    where: { id: hostId },
    select: { id: true, name: true, disabled: true },
  });
  if (!host) throw new AppError("not_found", "No such host");
  if (host.disabled) throw new AppError("conflict", `${host.name} is disabled; enable it first`);
  const op = await db().operation.create({
    data: {
      kind: "prerequisites",
      hostId,
      params: { profile: body.profile as string, mode: body.mode as string },
    },
    select: { id: true },
  });
  await queue(op.id, 0);
  return { operationId: op.id };
}

/** Re-check: a blocked run goes back to the queue and carries on where it stopped, on the same log. */
export async function resumeOperation(operationId: string): Promise<{ operationId: string }> {
  const op = await db().operation.findUnique({
    where: { id: operationId },
    select: { status: true, kind: true },
  });
  if (!op) throw new AppError("not_found", "No such operation");
  if (op.status !== "blocked")
    throw new AppError("conflict", `This run is ${op.status}, not blocked: nothing to re-check`);
  if (!(await transition(db(), operationId, "blocked", "queued"))) {
    throw new AppError("conflict", "This run was resumed already");
  }
  await queue(operationId, Date.now());
  return { operationId };
}
